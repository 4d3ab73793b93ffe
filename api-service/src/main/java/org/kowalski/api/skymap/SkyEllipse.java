package org.kowalski.api.skymap;

import org.kowalski.common.sky.Coordinates;

/**
 * A localization with uniform density inside an ellipse on the sky, given by its semi-axes and the
 * position angle of the major axis, measured from north through east.
 *
 * @param name localization name
 * @param raDeg right ascension of the centre in degrees
 * @param decDeg declination of the centre in degrees
 * @param semiMajorDeg semi-major axis in degrees
 * @param semiMinorDeg semi-minor axis in degrees
 * @param positionAngleDeg position angle of the major axis in degrees, east of north
 */
record SkyEllipse(
        String name, double raDeg, double decDeg, double semiMajorDeg, double semiMinorDeg, double positionAngleDeg)
        implements Localization {

    SkyEllipse {
        SkyPolygon.checkPosition(new double[] {raDeg, decDeg}, "ellipse centre");
        if (!(semiMinorDeg > 0 && semiMajorDeg >= semiMinorDeg && semiMajorDeg < 90)) {
            throw new IllegalArgumentException("Invalid ellipse axes amaj=" + semiMajorDeg + ", amin=" + semiMinorDeg
                    + ": need 0 < amin <= amaj < 90 degrees");
        }
        if (!Double.isFinite(positionAngleDeg)) {
            throw new IllegalArgumentException("Invalid ellipse position angle " + positionAngleDeg + ": send degrees");
        }
    }

    @Override
    public double density(double ra, double dec) {
        double distanceDeg = Coordinates.greatCircleDistanceDeg(raDeg, decDeg, ra, dec);
        if (distanceDeg > semiMajorDeg) {
            return 0;
        }
        if (distanceDeg == 0) {
            return 1;
        }
        double bearing = bearingRad(ra, dec) - Math.toRadians(positionAngleDeg);
        double along = semiMinorDeg * Math.cos(bearing);
        double across = semiMajorDeg * Math.sin(bearing);
        double boundaryDeg = semiMajorDeg * semiMinorDeg / Math.sqrt(along * along + across * across);
        return distanceDeg <= boundaryDeg ? 1 : 0;
    }

    /** Returns the bearing of a position seen from the centre, from north through east, in radians. */
    private double bearingRad(double ra, double dec) {
        double dec1 = Math.toRadians(decDeg);
        double dec2 = Math.toRadians(dec);
        double deltaRa = Math.toRadians(ra - raDeg);
        return Math.atan2(
                Math.sin(deltaRa) * Math.cos(dec2),
                Math.cos(dec1) * Math.sin(dec2) - Math.sin(dec1) * Math.cos(dec2) * Math.cos(deltaRa));
    }

    @Override
    public SkyBox support() {
        return SkyBox.aroundCap(raDeg, decDeg, semiMajorDeg * 1.01);
    }

    @Override
    public double featureSizeDeg() {
        return semiMinorDeg / 8;
    }

    @Override
    public double[] maximumRaDec() {
        return new double[] {SkyBox.normalizeRa(raDeg), decDeg};
    }
}
