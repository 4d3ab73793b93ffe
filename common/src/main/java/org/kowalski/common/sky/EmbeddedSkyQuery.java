package org.kowalski.common.sky;

import com.mongodb.reactivestreams.client.FindPublisher;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import reactor.core.publisher.Flux;

/**
 * Sky queries for the embedded store, which has no geo operators: the store evaluates a declination
 * band and right-ascension window ({@link SkyWindow}) together with the caller's filter and sort, and
 * this class keeps the documents within the exact great-circle distance, then applies skip and limit.
 * The embedded store evaluates the window with its in-memory position index (see {@code
 * org.kowalski.common.infra.SkyIndexedH2Collection}), so it reads only the documents inside the window;
 * a plain mongo-java-server scans the collection for the same result.
 */
final class EmbeddedSkyQuery implements SkyQuery {

    @Override
    public Flux<Document> cone(
            MongoCollection<Document> collection,
            double raDeg,
            double decDeg,
            double radiusRad,
            SkyQueryOptions options) {
        try {
            GeoClauses.checkPosition(raDeg, decDeg);
            GeoClauses.checkAngle("cone radius", radiusRad);
        } catch (InvalidSkyQueryException e) {
            return Flux.error(e);
        }
        if (userClauseWins(options)) {
            return userPositionalQuery(collection, options);
        }

        ProjectionPlan plan = ProjectionPlan.of(options.projection());
        Document query = prefilterQuery(raDeg, decDeg, radiusRad, withoutPositionalClause(options.filter()));
        Flux<Document> matches = Flux.from(find(collection, query, plan.serverProjection(), options))
                .filter(document -> distanceRad(document, raDeg, decDeg) <= radiusRad)
                .map(plan::strip);
        return page(matches, options);
    }

    @Override
    public Flux<Document> near(
            MongoCollection<Document> collection,
            double raDeg,
            double decDeg,
            double minDistanceRad,
            double maxDistanceRad,
            SkyQueryOptions options) {
        try {
            GeoClauses.checkPosition(raDeg, decDeg);
            GeoClauses.checkAngle("minimum distance", minDistanceRad);
            GeoClauses.checkAngle("maximum distance", maxDistanceRad);
        } catch (InvalidSkyQueryException e) {
            return Flux.error(e);
        }
        if (userClauseWins(options)) {
            return userPositionalQuery(collection, options);
        }

        ProjectionPlan plan = ProjectionPlan.of(options.projection());
        Document query = prefilterQuery(raDeg, decDeg, maxDistanceRad, withoutPositionalClause(options.filter()));
        Flux<Ranked> ranked = Flux.from(find(collection, query, plan.serverProjection(), options))
                .map(document -> new Ranked(document, distanceRad(document, raDeg, decDeg)))
                .filter(match -> match.distanceRad() >= minDistanceRad && match.distanceRad() <= maxDistanceRad);
        if (options.sort() == null) {
            // $nearSphere returns the nearest first; a caller's sort replaces that order, as on MongoDB.
            ranked = ranked.collectSortedList(Comparator.comparingDouble(Ranked::distanceRad))
                    .flatMapIterable(list -> list);
        }
        return page(ranked.map(match -> plan.strip(match.document())), options);
    }

    /**
     * Returns the query the store runs: the caller's filter and the window, joined by {@code $and} so
     * that a top-level {@code $or} of the filter and the window's own {@code $or} do not collide.
     */
    static Document prefilterQuery(double raDeg, double decDeg, double radiusRad, Document filter) {
        Document window = SkyWindow.around(raDeg, decDeg, radiusRad).toFilter();
        if (filter == null || filter.isEmpty()) {
            return window;
        }
        return new Document("$and", List.of(filter, window));
    }

    /**
     * Returns the great-circle distance in radians from the centre to the document's stored position,
     * or NaN when the document has no numeric {@code [longitude, latitude]} pair, which fails every
     * distance comparison.
     */
    static double distanceRad(Document document, double raDeg, double decDeg) {
        Object position = ProjectionPlan.valueAt(document, ProjectionPlan.POSITION_PATH);
        if (!(position instanceof List<?> lonLat)
                || lonLat.size() < 2
                || !(lonLat.get(0) instanceof Number lon)
                || !(lonLat.get(1) instanceof Number lat)) {
            return Double.NaN;
        }
        // Both longitudes carry the same -180 shift, which the difference cancels.
        return Coordinates.greatCircleDistanceRad(
                Math.toRadians(raDeg - 180.0),
                Math.toRadians(decDeg),
                Math.toRadians(lon.doubleValue()),
                Math.toRadians(lat.doubleValue()));
    }

    /**
     * Returns whether the filter's own {@value SkyQuery#GEO_FIELD} clause replaces the positional one,
     * as {@link GeoClauses#merge} decides on MongoDB: it does unless {@code filterFirst} is set.
     */
    private static boolean userClauseWins(SkyQueryOptions options) {
        return !options.filterFirst() && options.filterOrEmpty().containsKey(GEO_FIELD);
    }

    /** Returns the filter without its own {@value SkyQuery#GEO_FIELD} clause, which the positional clause replaces. */
    private static Document withoutPositionalClause(Document filter) {
        if (filter == null || !filter.containsKey(GEO_FIELD)) {
            return filter;
        }
        Document copy = new Document(filter);
        copy.remove(GEO_FIELD);
        return copy;
    }

    /**
     * Runs the caller's filter as it is when its own {@value SkyQuery#GEO_FIELD} clause replaces the
     * positional clause. A geo operator in that clause fails here, with the store's error.
     */
    private static Flux<Document> userPositionalQuery(MongoCollection<Document> collection, SkyQueryOptions options) {
        Document projection = options.projection();
        boolean wholeDocuments = projection == null || projection.isEmpty();
        return page(
                Flux.from(find(collection, options.filter(), wholeDocuments ? null : projection, options)), options);
    }

    private static FindPublisher<Document> find(
            MongoCollection<Document> collection, Document query, Document projection, SkyQueryOptions options) {
        FindPublisher<Document> find = collection.find(query);
        if (projection != null) {
            find = find.projection(projection);
        }
        if (options.sort() != null) {
            find = find.sort(options.sort());
        }
        if (options.maxTimeMs() != null) {
            find = find.maxTime(options.maxTimeMs(), TimeUnit.MILLISECONDS);
        }
        if (options.comment() != null) {
            find = find.comment(options.comment());
        }
        return find;
    }

    /** Applies skip and limit after the exact check, since the store's matches are a superset. */
    private static Flux<Document> page(Flux<Document> matches, SkyQueryOptions options) {
        Flux<Document> paged = options.skip() > 0 ? matches.skip(options.skip()) : matches;
        return options.limitCount() > 0 ? paged.take(options.limitCount(), true) : paged;
    }

    private record Ranked(Document document, double distanceRad) {}
}
