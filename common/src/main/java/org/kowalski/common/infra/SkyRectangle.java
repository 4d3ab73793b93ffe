package org.kowalski.common.infra;

/**
 * A range of stored GeoJSON longitude ({@code ra - 180}) and latitude (declination), in degrees, with
 * infinite bounds where a query sets none.
 */
record SkyRectangle(double lonMinDeg, double lonMaxDeg, double latMinDeg, double latMaxDeg) {

    static final SkyRectangle WHOLE_SKY = new SkyRectangle(
            Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    boolean isEmpty() {
        return lonMinDeg > lonMaxDeg || latMinDeg > latMaxDeg;
    }

    /** Returns whether neither the longitude nor the latitude is bounded on both sides. */
    boolean isUnbounded() {
        boolean lonBounded = lonMinDeg > -180 || lonMaxDeg < 180;
        boolean latBounded = latMinDeg > -90 || latMaxDeg < 90;
        return !lonBounded && !latBounded;
    }

    SkyRectangle intersect(SkyRectangle other) {
        return new SkyRectangle(
                Math.max(lonMinDeg, other.lonMinDeg),
                Math.min(lonMaxDeg, other.lonMaxDeg),
                Math.max(latMinDeg, other.latMinDeg),
                Math.min(latMaxDeg, other.latMaxDeg));
    }
}
