package org.kowalski.api.query;

import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.EstimatedDocumentCountOptions;
import com.mongodb.reactivestreams.client.FindPublisher;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.kowalski.api.web.ApiException;
import org.kowalski.api.web.Reply;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.query.ForbiddenPipelineException;
import org.kowalski.common.query.PipelineGuard;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs the query types of {@code POST /api/queries} on the archive database, reactively: every result
 * streams from the driver, so cancelling the returned {@link Mono} (a client that disconnects) stops
 * the driver's cursors.
 *
 * <p>Beyond the Python original: filters, projections and pipelines may not run server-side JavaScript;
 * pipelines may not use {@code $out}, {@code $merge} or {@code $unionWith} at any depth, and for
 * non-admins may not read a protected collection through {@code $lookup} or {@code $graphLookup};
 * {@code drop} is for the admin only; {@code find} has a default and a maximum {@code limit}
 * ({@code server.find_default_limit}, {@code server.find_max_limit}).
 */
@Service
class QueryService {

    static final String SUCCESS = "Successfully executed query";

    /** Stages that aggregate queries may not use at any depth: they write or read other collections. */
    static final Set<String> FORBIDDEN_QUERY_STAGES = Set.of("$unionWith", "$out", "$merge");

    private final MongoDatabase database;
    private final Set<String> protectedCollections;
    private final PipelineGuard userGuard;
    private final PipelineGuard adminGuard;
    private final int findDefaultLimit;
    private final int findMaxLimit;
    private final InfoQueries infoQueries;
    private final SkyQueries skyQueries;
    private final SkymapQueries skymapQueries;

    QueryService(
            MongoDatabase database,
            KowalskiConfig config,
            InfoQueries infoQueries,
            SkyQueries skyQueries,
            SkymapQueries skymapQueries) {
        this.database = database;
        this.protectedCollections = protectedCollections(config);
        this.userGuard = new PipelineGuard(protectedCollections, FORBIDDEN_QUERY_STAGES);
        this.adminGuard = userGuard.withoutProtectedCollections();
        Integer defaultLimit = config.server().findDefaultLimit();
        Integer maxLimit = config.server().findMaxLimit();
        this.findMaxLimit = maxLimit == null ? Integer.MAX_VALUE : maxLimit;
        this.findDefaultLimit = defaultLimit == null ? 0 : Math.min(defaultLimit, findMaxLimit);
        this.infoQueries = infoQueries;
        this.skyQueries = skyQueries;
        this.skymapQueries = skymapQueries;
    }

    /** Returns the collections that only the admin may query: the configured system collections. */
    static Set<String> protectedCollections(KowalskiConfig config) {
        return config.systemCollections();
    }

    Set<String> protectedCollections() {
        return protectedCollections;
    }

    /** Runs a checked request and returns its reply. */
    Mono<Reply> execute(QueryRequest request) {
        return switch (request.type()) {
            case FIND -> success(find(request));
            case FIND_ONE -> success(findOne(request));
            case COUNT_DOCUMENTS -> success(countDocuments(request));
            case ESTIMATED_DOCUMENT_COUNT -> success(estimatedDocumentCount(request));
            case AGGREGATE -> success(aggregate(request));
            case INFO -> success(infoQueries.run(request, protectedCollections));
            case CONE_SEARCH -> success(skyQueries.coneSearch(request, guard(request)));
            case NEAR -> success(skyQueries.near(request, guard(request)));
            case SKYMAP -> success(skymapQueries.run(request, guard(request), findOptions(request)));
            case DROP -> drop(request);
        };
    }

    private static Mono<Reply> success(Mono<?> data) {
        return data.map(value -> Reply.success(SUCCESS, value)).defaultIfEmpty(Reply.success(SUCCESS));
    }

    private PipelineGuard guard(QueryRequest request) {
        return request.admin() ? adminGuard : userGuard;
    }

    private MongoCollection<Document> collection(QueryRequest request) {
        return database.getCollection(QueryArguments.catalog(request.query()));
    }

    private Mono<List<Document>> find(QueryRequest request) {
        MongoCollection<Document> collection = collection(request);
        Document filter = QueryArguments.filter(request.query().get("filter"), "query.filter");
        Document projection = QueryArguments.projection(request.query().get("projection"), "query.projection");
        checkExpression(request, filter, "query.filter");
        checkExpression(request, projection, "query.projection");
        FindOptions options = findOptions(request);

        FindPublisher<Document> find = collection.find(filter);
        if (projection != null) {
            find = find.projection(projection);
        }
        return Flux.from(options.applyTo(find)).collectList();
    }

    /**
     * Returns the cursor options of a {@code find}: the request's {@code skip}, {@code sort} and
     * {@code hint}, and its {@code limit} within {@code server.find_max_limit}, where no limit (or 0)
     * means the default and the maximum respectively.
     */
    FindOptions findOptions(QueryRequest request) {
        Document kwargs = request.kwargs();
        Integer skip = QueryArguments.intOption(kwargs, "skip");
        if (skip != null && skip < 0) {
            throw ApiException.badRequest("ValueError: skip must be >= 0, got " + skip + " (kwargs.skip)");
        }
        Integer limit = QueryArguments.intOption(kwargs, "limit");
        int effectiveLimit;
        if (limit == null) {
            effectiveLimit = findDefaultLimit;
        } else if (limit == 0) {
            effectiveLimit = findMaxLimit == Integer.MAX_VALUE ? 0 : findMaxLimit;
        } else if (Math.abs((long) limit) > findMaxLimit) {
            throw ApiException.badRequest("ValidationError: limit " + limit + " exceeds the maximum of "
                    + findMaxLimit + " documents per query (server.find_max_limit); page through the results"
                    + " with kwargs.skip and a smaller kwargs.limit");
        } else {
            effectiveLimit = limit;
        }
        Document sort =
                kwargs.get("sort") == null ? null : QueryArguments.keySpecification(kwargs.get("sort"), "kwargs.sort");
        Object hint = kwargs.get("hint");
        if (hint != null && !(hint instanceof String)) {
            hint = QueryArguments.keySpecification(hint, "kwargs.hint");
        }
        return new FindOptions(
                skip == null ? 0 : skip, effectiveLimit, sort, hint, request.maxTimeMs(), request.comment());
    }

    private Mono<Document> findOne(QueryRequest request) {
        MongoCollection<Document> collection = collection(request);
        Document filter = QueryArguments.filter(request.query().get("filter"), "query.filter");
        checkExpression(request, filter, "query.filter");
        return Mono.from(collection
                .find(filter)
                .maxTime(request.maxTimeMs(), TimeUnit.MILLISECONDS)
                .first());
    }

    private Mono<Long> countDocuments(QueryRequest request) {
        MongoCollection<Document> collection = collection(request);
        Document filter = QueryArguments.filter(request.query().get("filter"), "query.filter");
        checkExpression(request, filter, "query.filter");
        CountOptions options = new CountOptions().maxTime(request.maxTimeMs(), TimeUnit.MILLISECONDS);
        return Mono.from(collection.countDocuments(filter, options));
    }

    private Mono<Long> estimatedDocumentCount(QueryRequest request) {
        MongoCollection<Document> collection = collection(request);
        EstimatedDocumentCountOptions options =
                new EstimatedDocumentCountOptions().maxTime(request.maxTimeMs(), TimeUnit.MILLISECONDS);
        return Mono.from(collection.estimatedDocumentCount(options));
    }

    private Mono<List<Document>> aggregate(QueryRequest request) {
        List<Document> pipeline = QueryArguments.pipeline(request.query().get("pipeline"), "query.pipeline");
        try {
            guard(request).checkPipeline(pipeline);
        } catch (ForbiddenPipelineException e) {
            throw rejectPipeline(e);
        }
        MongoCollection<Document> collection = collection(request);
        Object allowDiskUse = request.kwargs().getOrDefault("allowDiskUse", Boolean.TRUE);
        if (!(allowDiskUse instanceof Boolean)) {
            throw ApiException.badRequest("TypeError: kwargs.allowDiskUse must be true or false, got "
                    + QueryArguments.describe(allowDiskUse));
        }
        return Flux.from(collection
                        .aggregate(pipeline)
                        .allowDiskUse((Boolean) allowDiskUse)
                        .maxTime(request.maxTimeMs(), TimeUnit.MILLISECONDS))
                .collectList();
    }

    private Mono<Reply> drop(QueryRequest request) {
        if (!request.admin()) {
            throw ApiException.forbidden("Forbidden: only the admin may drop collections; user '" + request.user()
                    + "' cannot drop '" + request.query().get("catalog") + "'");
        }
        MongoCollection<Document> collection = collection(request);
        return Mono.from(collection.drop()).then(Mono.just(Reply.success("Successfully dropped collection")));
    }

    private void checkExpression(QueryRequest request, Object value, String where) {
        if (value == null) {
            return;
        }
        try {
            guard(request).checkExpression(value, where);
        } catch (ForbiddenPipelineException e) {
            throw rejectPipeline(e);
        }
    }

    /** Returns the 400 for a rejected pipeline, in the original's words for forbidden stages. */
    static ApiException rejectPipeline(ForbiddenPipelineException e) {
        if (e.reason() == ForbiddenPipelineException.Reason.FORBIDDEN_STAGE) {
            return ApiException.badRequest("ValidationError: Pipeline uses forbidden stages: "
                    + PipelineGuard.pythonSetRepr(e.forbiddenStages()) + " (first at " + e.path()
                    + "); queries may only read, so remove them");
        }
        return ApiException.badRequest("ValidationError: " + e.getMessage());
    }
}
