package org.kowalski.common.testing;

/**
 * Galactic coordinates computed by spherical trigonometry, as a reference independent of the rotation
 * matrix that the code under test uses. The inputs are the J2000 position of the north Galactic pole and
 * the Galactic longitude of the north celestial pole, with astropy's values for its Galactic frame
 * (astropy.coordinates.builtin_frames.galactic). The two methods agree to about 4e-8 degrees on the sky.
 */
public final class GalacticReference {

    private static final double POLE_RA = Math.toRadians(192.8594812065348);
    private static final double POLE_DEC = Math.toRadians(27.12825118085622);
    private static final double NCP_L = Math.toRadians(122.9319185680026);

    private GalacticReference() {}

    /**
     * Returns {l, b} in degrees, with l in [-180, 180) as Kowalski stores it.
     *
     * @param raDeg right ascension (J2000) in degrees
     * @param decDeg declination (J2000) in degrees
     */
    public static double[] lb(double raDeg, double decDeg) {
        double ra = Math.toRadians(raDeg);
        double dec = Math.toRadians(decDeg);
        double sinB = Math.sin(dec) * Math.sin(POLE_DEC) + Math.cos(dec) * Math.cos(POLE_DEC) * Math.cos(ra - POLE_RA);
        double y = Math.cos(dec) * Math.sin(ra - POLE_RA);
        double x = Math.sin(dec) * Math.cos(POLE_DEC) - Math.cos(dec) * Math.sin(POLE_DEC) * Math.cos(ra - POLE_RA);
        double lDeg = Math.toDegrees(NCP_L - Math.atan2(y, x));
        lDeg = lDeg - 360 * Math.floor((lDeg + 180) / 360);
        return new double[] {lDeg, Math.toDegrees(Math.asin(sinB))};
    }
}
