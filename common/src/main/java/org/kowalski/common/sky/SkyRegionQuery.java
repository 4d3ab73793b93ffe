package org.kowalski.common.sky;

import com.mongodb.reactivestreams.client.FindPublisher;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.kowalski.common.config.KowalskiConfig;
import reactor.core.publisher.Flux;

/**
 * Finds the documents whose {@value SkyQuery#GEO_FIELD} point lies inside a GeoJSON Polygon or
 * MultiPolygon, such as a skymap's credible-region contour. On MongoDB the store evaluates
 * {@code {"$and": [filter, {GEO_FIELD: {"$geoWithin": {"$geometry": geometry}}}]}}, the query of the
 * Python original. The embedded store has no geo operators, so it receives the filter with the
 * region's latitude band and this class keeps the points that {@link SphericalPolygon} places inside,
 * with the same meaning as MongoDB's (great-circle edges, holes, the smaller region of each ring).
 */
public final class SkyRegionQuery {

    private final boolean embedded;

    private SkyRegionQuery(boolean embedded) {
        this.embedded = embedded;
    }

    /** Returns the query for the configured store. */
    public static SkyRegionQuery forConfig(KowalskiConfig config) {
        return forStore(config.database().isEmbedded());
    }

    /** Returns the query for the embedded store ({@code true}) or MongoDB ({@code false}). */
    public static SkyRegionQuery forStore(boolean embedded) {
        return new SkyRegionQuery(embedded);
    }

    /**
     * Returns the documents inside the region that also match {@code options.filter()}, with the options'
     * projection, sort, skip and limit applied.
     *
     * @param geometry a GeoJSON Polygon or MultiPolygon in {@code [ra - 180, dec]} degrees
     * @return the matches; an {@link InvalidSkyQueryException} signal for an invalid geometry
     */
    public Flux<Document> within(MongoCollection<Document> collection, Document geometry, SkyQueryOptions options) {
        SphericalPolygon region;
        try {
            region = SphericalPolygon.fromGeoJson(geometry);
        } catch (InvalidSkyQueryException e) {
            return Flux.error(e);
        }
        Document filter = options.filterOrEmpty();
        if (!embedded) {
            Document inside =
                    new Document(SkyQuery.GEO_FIELD, new Document("$geoWithin", new Document("$geometry", geometry)));
            Document query = new Document("$and", List.of(filter, inside));
            return Flux.from(find(collection, query, options.projection(), options, true));
        }

        double[] latitudes = region.latitudeRangeDeg();
        Document band =
                new Document(SkyWindow.LATITUDE_FIELD, new Document("$gte", latitudes[0]).append("$lte", latitudes[1]));
        Document query = filter.isEmpty() ? band : new Document("$and", List.of(filter, band));
        ProjectionPlan plan = ProjectionPlan.of(options.projection());
        Flux<Document> inside = Flux.from(find(collection, query, plan.serverProjection(), options, false))
                .filter(document -> containsPosition(region, document))
                .map(plan::strip);
        Flux<Document> paged = options.skip() > 0 ? inside.skip(options.skip()) : inside;
        return options.limitCount() > 0 ? paged.take(options.limitCount(), true) : paged;
    }

    private static boolean containsPosition(SphericalPolygon region, Document document) {
        Object position = ProjectionPlan.valueAt(document, ProjectionPlan.POSITION_PATH);
        return position instanceof List<?> lonLat
                && lonLat.size() >= 2
                && lonLat.get(0) instanceof Number lon
                && lonLat.get(1) instanceof Number lat
                && region.contains(lon.doubleValue(), lat.doubleValue());
    }

    private static FindPublisher<Document> find(
            MongoCollection<Document> collection,
            Document query,
            Document projection,
            SkyQueryOptions options,
            boolean pageOnServer) {
        FindPublisher<Document> find = collection.find(query);
        if (projection != null && !projection.isEmpty()) {
            find = find.projection(projection);
        }
        if (options.sort() != null) {
            find = find.sort(options.sort());
        }
        if (pageOnServer && options.skip() > 0) {
            find = find.skip(options.skip());
        }
        if (pageOnServer && options.limit() != 0) {
            find = find.limit(options.limit());
        }
        if (pageOnServer && options.hint() instanceof String indexName) {
            find = find.hintString(indexName);
        } else if (pageOnServer && options.hint() instanceof Document indexKeys) {
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
