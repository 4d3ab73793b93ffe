package org.kowalski.api.filter;

import com.mongodb.MongoException;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.kowalski.api.web.ApiException;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.filter.FilterPipelines;
import org.kowalski.common.filter.InvalidFilterException;
import org.kowalski.common.query.ForbiddenPipelineException;
import org.kowalski.common.query.PipelineGuard;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Checks user filter pipelines and runs them the way the brokers do: the survey's upstream stages from
 * {@code database.filters.<catalog>} followed by the user's stages, assembled by {@link FilterPipelines}.
 */
@Component
class FilterPipelineRunner {

    /** Time limit of the check run on the latest alert, as in the original. */
    static final long LATEST_ALERT_TEST_MS = 3000;

    private final MongoDatabase database;
    private final KowalskiConfig config;
    private final PipelineGuard guard;

    FilterPipelineRunner(MongoDatabase database, KowalskiConfig config) {
        this.database = database;
        this.config = config;
        this.guard = new PipelineGuard(config.systemCollections(), Set.copyOf(FilterPipelines.FORBIDDEN_STAGES));
    }

    /** A pipeline test that failed, with the message of the store or the check. */
    static final class PipelineTestException extends RuntimeException {
        PipelineTestException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Parses a user pipeline and checks it: at least one stage, no stage that reads or writes another
     * collection at any depth, no server-side JavaScript.
     *
     * @param field the request field, named in errors
     * @throws ApiException 400 naming the problem
     */
    List<Document> checkUserStages(String pipelineText, String field) {
        List<Document> stages;
        try {
            stages = FilterPipelines.parse(pipelineText);
        } catch (InvalidFilterException e) {
            throw versionError(field, e.getMessage());
        }
        if (stages.isEmpty()) {
            throw versionError(field, "pipeline must contain at least one stage");
        }
        try {
            guard.checkPipeline(stages);
        } catch (ForbiddenPipelineException e) {
            throw versionError(field, e.getMessage());
        }
        return stages;
    }

    private static ApiException versionError(String field, String message) {
        return ApiException.badRequest("ValidationError: 1 validation error for FilterVersion\n" + field + "\n  "
                + message + " (type=value_error)");
    }

    /**
     * Returns the upstream stages of a catalog.
     *
     * @throws ApiException 400 when the catalog has no upstream pipeline, so no broker could run the filter
     */
    List<Document> upstream(String catalog) {
        try {
            return FilterPipelines.upstream(config, catalog);
        } catch (InvalidFilterException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /**
     * Runs a pipeline on the most recently stored alert of a catalog and discards the output, to catch
     * errors that only the store reports (an unknown stage or operator, a wrong argument).
     *
     * @return true when it ran, false when the catalog contains no alert; a {@link PipelineTestException} signal
     *     with the store's message when the pipeline fails
     */
    Mono<Boolean> testOnLatestAlert(String catalog, List<Integer> permissions, List<Document> userStages) {
        List<Document> assembled = FilterPipelines.assemble(upstream(catalog), userStages, permissions);
        var alerts = database.getCollection(catalog);
        return Mono.from(alerts.find()
                        .projection(new Document("_id", 0).append("candid", 1))
                        .sort(new Document("$natural", -1))
                        .limit(1)
                        .first())
                .flatMap(latest -> Flux.from(
                                alerts.aggregate(FilterPipelines.withCandid(assembled, latest.getLong("candid")))
                                        .allowDiskUse(false)
                                        .maxTime(LATEST_ALERT_TEST_MS, TimeUnit.MILLISECONDS))
                        .then(Mono.just(true)))
                .defaultIfEmpty(false)
                .onErrorMap(MongoException.class, e -> new PipelineTestException(storeMessage(e), e));
    }

    /**
     * Runs a saved filter version over stored alerts, as the broker would have when they arrived. Stage 0
     * matches the given objects and/or the JD window instead of one candid. The light-curve history is cut
     * to detections before each alert.
     */
    Flux<Document> runRetrospectively(
            String catalog,
            List<Integer> permissions,
            String pipelineText,
            List<String> objectIds,
            Double startJd,
            Double endJd,
            long maxTimeMs) {
        List<Document> pipeline =
                FilterPipelines.assemble(upstream(catalog), checkUserStages(pipelineText, "pipeline"), permissions);
        Document match = pipeline.get(0).get("$match", Document.class);
        match.remove("candid");
        if (!objectIds.isEmpty()) {
            match.put(objectIdField(catalog), new Document("$in", objectIds));
        }
        if (startJd != null && endJd != null) {
            match.put("candidate.jd", new Document("$gte", startJd).append("$lte", endJd));
        }
        for (Document stage : pipeline) {
            if (stage.get("$project") instanceof Document projection) {
                limitHistoryToPast(projection, "prv_candidates");
                limitHistoryToPast(projection, "fp_hists");
            }
        }
        return Flux.from(database.getCollection(catalog)
                        .aggregate(pipeline)
                        .allowDiskUse(false)
                        .maxTime(maxTimeMs, TimeUnit.MILLISECONDS))
                .onErrorMap(MongoException.class, e -> new PipelineTestException(storeMessage(e), e));
    }

    /** Adds "detected before the alert" to the {@code $filter} condition of a history field. */
    @SuppressWarnings("unchecked")
    private static void limitHistoryToPast(Document projection, String field) {
        if (!(projection.get(field) instanceof Map<?, ?> spec) || !(spec.get("$filter") instanceof Map<?, ?> filter)) {
            return;
        }
        Document before = new Document("$lt", List.of("$$item.jd", "$candidate.jd"));
        Object condition = filter.get("cond");
        List<Object> terms = new ArrayList<>();
        if (condition instanceof Map<?, ?> cond && cond.get("$and") instanceof List<?> and) {
            terms.addAll(and);
        } else if (condition != null) {
            terms.add(condition);
        }
        terms.add(before);
        ((Map<String, Object>) filter).put("cond", new Document("$and", terms));
    }

    /** Returns the object id field of a catalog's alerts: {@code objectid} for WINTER, {@code objectId} otherwise. */
    static String objectIdField(String catalog) {
        return catalog.startsWith("WNTR") ? "objectid" : "objectId";
    }

    private static String storeMessage(MongoException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
