package org.kowalski.api.query;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.bson.Document;
import org.kowalski.api.auth.AccessControl;
import org.kowalski.api.web.Reply;
import org.kowalski.api.web.RequestJson;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code POST /api/queries}: the query engine penquins sends every archive query to. */
@RestController
@Tag(name = "queries", description = "Archive queries, the requests penquins sends with Kowalski.query()")
class QueryController {

    private static final Logger log = LoggerFactory.getLogger(QueryController.class);

    /** Default of {@code misc.max_time_ms}: five minutes. */
    static final long DEFAULT_MAX_TIME_MS = 300_000;

    private final QueryService queryService;
    private final AccessControl accessControl;
    private final long defaultMaxTimeMs;
    private final Counter cancelledQueries;

    QueryController(
            QueryService queryService, AccessControl accessControl, KowalskiConfig config, MeterRegistry registry) {
        this.queryService = queryService;
        this.accessControl = accessControl;
        Long configured = config.misc().maxTimeMs();
        this.defaultMaxTimeMs = configured == null ? DEFAULT_MAX_TIME_MS : configured;
        this.cancelledQueries = Counter.builder("kowalski.api.queries.cancelled")
                .description("Queries stopped because the client disconnected before the reply")
                .register(registry);
    }

    @Operation(
            summary = "Run a query",
            description = QueryDocs.DESCRIPTION,
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            examples = {
                                                @ExampleObject(name = "find", value = QueryDocs.FIND),
                                                @ExampleObject(name = "find_one", value = QueryDocs.FIND_ONE),
                                                @ExampleObject(name = "count_documents", value = QueryDocs.COUNT),
                                                @ExampleObject(
                                                        name = "estimated_document_count",
                                                        value = QueryDocs.ESTIMATED_COUNT),
                                                @ExampleObject(name = "aggregate", value = QueryDocs.AGGREGATE),
                                                @ExampleObject(name = "cone_search", value = QueryDocs.CONE_SEARCH),
                                                @ExampleObject(name = "near", value = QueryDocs.NEAR),
                                                @ExampleObject(name = "info", value = QueryDocs.INFO),
                                                @ExampleObject(name = "skymap", value = QueryDocs.SKYMAP),
                                                @ExampleObject(name = "drop", value = QueryDocs.DROP)
                                            })))
    @PostMapping(path = "/api/queries", produces = "application/json")
    Mono<Reply> query(ServerWebExchange exchange) {
        String user = accessControl.requireUser(exchange);
        return RequestJson.readObject(exchange).flatMap(body -> run(body, user));
    }

    private Mono<Reply> run(Document body, String user) {
        QueryRequest query = QueryRequest.of(
                body, user, accessControl.isAdmin(user), queryService.protectedCollections(), defaultMaxTimeMs);
        return queryService.execute(query).doOnCancel(() -> {
            cancelledQueries.increment();
            log.info(
                    "Query {} of user '{}' on {} cancelled: the client disconnected",
                    query.type().wireName(),
                    user,
                    target(query));
        });
    }

    private static Object target(QueryRequest query) {
        Object catalog = query.query().get("catalog");
        if (catalog != null) {
            return catalog;
        }
        return query.query().get("catalogs") instanceof Document catalogs ? catalogs.keySet() : "the database";
    }
}
