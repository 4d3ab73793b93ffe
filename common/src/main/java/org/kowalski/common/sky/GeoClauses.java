package org.kowalski.common.sky;

import java.util.List;
import org.bson.Document;

/**
 * Builds the positional clauses of MongoDB queries on {@value SkyQuery#GEO_FIELD}, checks positions and
 * radii, and merges a positional clause with a user filter the way the Python original does.
 */
public final class GeoClauses {

    private GeoClauses() {}

    /**
     * Returns {@code {"$geoWithin": {"$centerSphere": [[ra - 180, dec], radiusRad]}}}, the value of the
     * positional key of a cone query in MongoDB's legacy-pair form.
     */
    public static Document centerSphere(double raDeg, double decDeg, double radiusRad) {
        List<Object> center = List.of(raDeg - 180.0, decDeg);
        return new Document("$geoWithin", new Document("$centerSphere", List.of(center, radiusRad)));
    }

    /**
     * Returns {@code {"$nearSphere": [ra - 180, dec], "$minDistance": min, "$maxDistance": max}}, with
     * both distances in radians as MongoDB reads them for a legacy-pair centre.
     */
    public static Document nearSphere(double raDeg, double decDeg, double minDistanceRad, double maxDistanceRad) {
        return new Document("$nearSphere", List.of(raDeg - 180.0, decDeg))
                .append("$minDistance", minDistanceRad)
                .append("$maxDistance", maxDistanceRad);
    }

    /**
     * Merges a positional clause with a filter into one query document, as the original's dict merges do.
     * By default the positional key comes first and a {@value SkyQuery#GEO_FIELD} key of the filter
     * replaces the positional clause in that first place. With {@code filterFirst} the filter's keys come
     * first and the positional clause is put last, replacing the filter's own clause on a clash.
     *
     * @param positionalClause the value for {@value SkyQuery#GEO_FIELD}
     * @param filter the user's or the catalog's filter, {@code null} for none; it is not modified
     */
    public static Document merge(Document positionalClause, Document filter, boolean filterFirst) {
        Document query = new Document();
        if (filterFirst) {
            if (filter != null) {
                query.putAll(filter);
            }
            query.put(SkyQuery.GEO_FIELD, positionalClause);
            return query;
        }
        query.put(SkyQuery.GEO_FIELD, positionalClause);
        if (filter != null) {
            query.putAll(filter);
        }
        return query;
    }

    /**
     * Checks a query centre.
     *
     * @throws InvalidSkyQueryException when raDeg is outside [0, 360] or decDeg outside [-90, 90]
     */
    public static void checkPosition(double raDeg, double decDeg) {
        if (!(raDeg >= 0 && raDeg <= 360)) {
            throw new InvalidSkyQueryException(
                    "Right ascension " + raDeg + " is out of range: use degrees in [0, 360]");
        }
        if (!(decDeg >= -90 && decDeg <= 90)) {
            throw new InvalidSkyQueryException("Declination " + decDeg + " is out of range: use degrees in [-90, 90]");
        }
    }

    /**
     * Checks a radius or distance given in radians.
     *
     * @param name what the value is, for the message, such as {@code "cone radius"}
     * @throws InvalidSkyQueryException when the value is negative, infinite or NaN
     */
    public static void checkAngle(String name, double valueRad) {
        if (!(valueRad >= 0) || Double.isInfinite(valueRad)) {
            throw new InvalidSkyQueryException(
                    "The " + name + " is " + valueRad + " rad: use a finite angle of 0 or more");
        }
    }
}
