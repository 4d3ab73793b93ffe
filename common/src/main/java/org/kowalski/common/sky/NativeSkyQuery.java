package org.kowalski.common.sky;

import com.mongodb.reactivestreams.client.FindPublisher;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import reactor.core.publisher.Flux;

/** Sky queries with MongoDB's own geo operators, which use the 2dsphere index on {@value SkyQuery#GEO_FIELD}. */
final class NativeSkyQuery implements SkyQuery {

    @Override
    public Flux<Document> cone(
            MongoCollection<Document> collection,
            double raDeg,
            double decDeg,
            double radiusRad,
            SkyQueryOptions options) {
        Document query;
        try {
            query = coneQuery(raDeg, decDeg, radiusRad, options);
        } catch (InvalidSkyQueryException e) {
            return Flux.error(e);
        }
        return Flux.from(find(collection, query, options));
    }

    @Override
    public Flux<Document> near(
            MongoCollection<Document> collection,
            double raDeg,
            double decDeg,
            double minDistanceRad,
            double maxDistanceRad,
            SkyQueryOptions options) {
        Document query;
        try {
            query = nearQuery(raDeg, decDeg, minDistanceRad, maxDistanceRad, options);
        } catch (InvalidSkyQueryException e) {
            return Flux.error(e);
        }
        return Flux.from(find(collection, query, options));
    }

    /** Returns the query document of a cone: {@code $geoWithin}/{@code $centerSphere} merged with the filter. */
    static Document coneQuery(double raDeg, double decDeg, double radiusRad, SkyQueryOptions options) {
        GeoClauses.checkPosition(raDeg, decDeg);
        GeoClauses.checkAngle("cone radius", radiusRad);
        return GeoClauses.merge(
                GeoClauses.centerSphere(raDeg, decDeg, radiusRad), options.filter(), options.filterFirst());
    }

    /** Returns the query document of a nearest query: {@code $nearSphere} merged with the filter. */
    static Document nearQuery(
            double raDeg, double decDeg, double minDistanceRad, double maxDistanceRad, SkyQueryOptions options) {
        GeoClauses.checkPosition(raDeg, decDeg);
        GeoClauses.checkAngle("minimum distance", minDistanceRad);
        GeoClauses.checkAngle("maximum distance", maxDistanceRad);
        return GeoClauses.merge(
                GeoClauses.nearSphere(raDeg, decDeg, minDistanceRad, maxDistanceRad),
                options.filter(),
                options.filterFirst());
    }

    private static FindPublisher<Document> find(
            MongoCollection<Document> collection, Document query, SkyQueryOptions options) {
        FindPublisher<Document> find = collection.find(query);
        if (options.projection() != null && !options.projection().isEmpty()) {
            find = find.projection(options.projection());
        }
        if (options.sort() != null) {
            find = find.sort(options.sort());
        }
        if (options.skip() > 0) {
            find = find.skip(options.skip());
        }
        if (options.limit() != 0) {
            find = find.limit(options.limit());
        }
        if (options.hint() instanceof String indexName) {
            find = find.hintString(indexName);
        } else if (options.hint() instanceof Document indexKeys) {
            find = find.hint(indexKeys);
        }
        if (options.maxTimeMs() != null) {
            find = find.maxTime(options.maxTimeMs(), TimeUnit.MILLISECONDS);
        }
        if (options.comment() != null) {
            find = find.comment(options.comment());
        }
        return find;
    }
}
