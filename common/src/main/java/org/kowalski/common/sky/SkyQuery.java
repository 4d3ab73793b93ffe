package org.kowalski.common.sky;

import com.mongodb.reactivestreams.client.MongoCollection;
import org.bson.Document;
import org.kowalski.common.config.KowalskiConfig;
import reactor.core.publisher.Flux;

/**
 * Positional queries on the {@code coordinates.radec_geojson} point of a collection, the one way in
 * which brokers, the query API and the catalog tools search the sky.
 *
 * <p>Two implementations return the same documents. On MongoDB, {@link #forStore(boolean) forStore(false)}
 * sends the native geo operators ({@code $geoWithin}/{@code $centerSphere}, {@code $nearSphere}), which
 * use the 2dsphere index. The embedded store has no geo operators, so {@code forStore(true)} sends a
 * declination band and a right-ascension window that contain the cone, and then keeps the documents
 * whose exact great-circle distance is within the radius.
 *
 * <p>Semantics of both: the cone is the spherical cap of the given radius around the centre, boundary
 * included (to floating-point rounding, about 1e-15 rad); positions are in degrees with the stored
 * longitude {@code ra - 180}; documents without a numeric {@code [longitude, latitude]} pair never
 * match.
 */
public interface SkyQuery {

    /** Name of the GeoJSON point field that every positional document carries. */
    String GEO_FIELD = "coordinates.radec_geojson";

    /**
     * Returns the documents within {@code radiusRad} of a position, in the store's order unless the
     * options sort them.
     *
     * @param collection the collection to search
     * @param raDeg right ascension of the centre in degrees, 0 ≤ raDeg ≤ 360
     * @param decDeg declination of the centre in degrees, -90 ≤ decDeg ≤ 90
     * @param radiusRad cone radius in radians, 0 or more; a radius of π or more covers the whole sky
     * @param options extra filter, projection, sort, skip, limit and cursor options
     * @return the matches; an {@link InvalidSkyQueryException} signal for an invalid position or radius
     */
    Flux<Document> cone(
            MongoCollection<Document> collection,
            double raDeg,
            double decDeg,
            double radiusRad,
            SkyQueryOptions options);

    /**
     * Returns the documents within a radius given in {@code unit} ({@code arcsec}, {@code arcmin},
     * {@code deg} or {@code rad}), as {@link #cone(MongoCollection, double, double, double, SkyQueryOptions)}.
     */
    default Flux<Document> cone(
            MongoCollection<Document> collection,
            double raDeg,
            double decDeg,
            double radius,
            String unit,
            SkyQueryOptions options) {
        double radiusRad;
        try {
            radiusRad = Coordinates.toRadians(radius, unit);
        } catch (IllegalArgumentException e) {
            return Flux.error(new InvalidSkyQueryException(e.getMessage(), e));
        }
        return cone(collection, raDeg, decDeg, radiusRad, options);
    }

    /**
     * Returns the documents whose distance from a position is between {@code minDistanceRad} and
     * {@code maxDistanceRad}, both included, nearest first unless the options sort them, as MongoDB's
     * {@code $nearSphere} with {@code $minDistance} and {@code $maxDistance}. On MongoDB this needs a
     * 2dsphere index on {@value #GEO_FIELD} and fails without one; the embedded store needs none.
     *
     * @param raDeg right ascension of the centre in degrees, 0 ≤ raDeg ≤ 360
     * @param decDeg declination of the centre in degrees, -90 ≤ decDeg ≤ 90
     * @param minDistanceRad smallest distance in radians, 0 or more
     * @param maxDistanceRad largest distance in radians, at least {@code minDistanceRad}
     */
    Flux<Document> near(
            MongoCollection<Document> collection,
            double raDeg,
            double decDeg,
            double minDistanceRad,
            double maxDistanceRad,
            SkyQueryOptions options);

    /** Returns the implementation for the configured store: the embedded one when {@code database.embedded} is true. */
    static SkyQuery forConfig(KowalskiConfig config) {
        return forStore(config.database().isEmbedded());
    }

    /** Returns the implementation for the embedded store ({@code true}) or for MongoDB ({@code false}). */
    static SkyQuery forStore(boolean embedded) {
        return embedded ? new EmbeddedSkyQuery() : new NativeSkyQuery();
    }
}
