package org.kowalski.api.testing;

/** An independent great-circle distance (haversine form) for checking sky queries by brute force. */
public final class SkyMath {

    private SkyMath() {}

    /** Returns the angular distance in degrees between two positions given in degrees. */
    public static double distanceDeg(double ra1Deg, double dec1Deg, double ra2Deg, double dec2Deg) {
        double phi1 = Math.toRadians(dec1Deg);
        double phi2 = Math.toRadians(dec2Deg);
        double halfDeltaPhi = (phi2 - phi1) / 2;
        double halfDeltaLambda = Math.toRadians(ra2Deg - ra1Deg) / 2;
        double a = Math.sin(halfDeltaPhi) * Math.sin(halfDeltaPhi)
                + Math.cos(phi1) * Math.cos(phi2) * Math.sin(halfDeltaLambda) * Math.sin(halfDeltaLambda);
        return Math.toDegrees(2 * Math.asin(Math.min(1.0, Math.sqrt(a))));
    }
}
