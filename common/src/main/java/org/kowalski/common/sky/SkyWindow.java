package org.kowalski.common.sky;

import java.util.List;
import org.bson.Document;

/**
 * A declination band and a right-ascension window that contain a spherical cap, as a range filter on
 * the stored GeoJSON longitude and latitude. The embedded store evaluates it in place of
 * {@code $centerSphere}; every point of the cap passes it, and the caller removes the points outside
 * the cap with the exact distance.
 *
 * @param decMinDeg lowest declination in degrees
 * @param decMaxDeg highest declination in degrees
 * @param lonMinDeg lowest GeoJSON longitude ({@code ra - 180}) in degrees, possibly below -180
 * @param lonMaxDeg highest GeoJSON longitude in degrees, possibly above 180
 * @param allLongitudes true when the cap contains a pole or spans every right ascension
 */
record SkyWindow(double decMinDeg, double decMaxDeg, double lonMinDeg, double lonMaxDeg, boolean allLongitudes) {

    static final String LONGITUDE_FIELD = SkyQuery.GEO_FIELD + ".coordinates.0";
    static final String LATITUDE_FIELD = SkyQuery.GEO_FIELD + ".coordinates.1";

    /**
     * Widening of every bound in degrees (about 4e-6 arcsec), so that rounding in the bounds can never
     * drop a point of the cap; the exact check decides at the boundary.
     */
    private static final double MARGIN_DEG = 1e-9;

    /** Returns the window around the cap of {@code radiusRad} centred on (raDeg, decDeg). */
    static SkyWindow around(double raDeg, double decDeg, double radiusRad) {
        double radiusDeg = Math.toDegrees(radiusRad);
        double decMinDeg = decDeg - radiusDeg - MARGIN_DEG;
        double decMaxDeg = decDeg + radiusDeg + MARGIN_DEG;
        if (decMaxDeg >= 90 || decMinDeg <= -90) {
            // The cap contains a pole, so it spans every right ascension.
            return new SkyWindow(decMinDeg, decMaxDeg, -180, 180, true);
        }

        // Away from the poles the cap's half-width in right ascension is asin(sin r / cos dec), reached
        // at the two points where a meridian is tangent to the cap.
        double ratio = Math.sin(radiusRad) / Math.cos(Math.toRadians(decDeg));
        if (ratio >= 1) {
            return new SkyWindow(decMinDeg, decMaxDeg, -180, 180, true);
        }
        double halfWidthDeg = Math.toDegrees(Math.asin(ratio)) + MARGIN_DEG;
        if (halfWidthDeg >= 180) {
            return new SkyWindow(decMinDeg, decMaxDeg, -180, 180, true);
        }
        double lonDeg = raDeg - 180.0;
        return new SkyWindow(decMinDeg, decMaxDeg, lonDeg - halfWidthDeg, lonDeg + halfWidthDeg, false);
    }

    /**
     * Returns the range filter. A window that crosses longitude ±180 (right ascension 0/360) becomes two
     * ranges joined by {@code $or}; a stored longitude of exactly 180 or -180 is in either.
     */
    Document toFilter() {
        Document latitude = new Document(LATITUDE_FIELD, new Document("$gte", decMinDeg).append("$lte", decMaxDeg));
        if (allLongitudes) {
            return latitude;
        }
        Document longitude;
        if (lonMinDeg <= -180) {
            longitude = new Document(
                    "$or",
                    List.of(
                            new Document(LONGITUDE_FIELD, new Document("$gte", lonMinDeg + 360)),
                            new Document(LONGITUDE_FIELD, new Document("$lte", lonMaxDeg))));
        } else if (lonMaxDeg >= 180) {
            longitude = new Document(
                    "$or",
                    List.of(
                            new Document(LONGITUDE_FIELD, new Document("$gte", lonMinDeg)),
                            new Document(LONGITUDE_FIELD, new Document("$lte", lonMaxDeg - 360))));
        } else {
            longitude = new Document(LONGITUDE_FIELD, new Document("$gte", lonMinDeg).append("$lte", lonMaxDeg));
        }
        return new Document("$and", List.of(latitude, longitude));
    }
}
