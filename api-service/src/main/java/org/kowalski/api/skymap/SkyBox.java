package org.kowalski.api.skymap;

import java.util.Arrays;
import java.util.List;

/**
 * A range of declination and right ascension on the sky. The right ascension range starts at
 * {@code raMinDeg} and spans {@code raSpanDeg} degrees eastwards, possibly across RA 0. A span of 360
 * is the full circle.
 *
 * @param decMinDeg lowest declination in degrees
 * @param decMaxDeg highest declination in degrees
 * @param raMinDeg right ascension where the range starts, in degrees in [0, 360)
 * @param raSpanDeg width of the right ascension range in degrees, at most 360
 */
record SkyBox(double decMinDeg, double decMaxDeg, double raMinDeg, double raSpanDeg) {

    static final SkyBox WHOLE_SKY = new SkyBox(-90, 90, 0, 360);

    boolean isFullCircle() {
        return raSpanDeg >= 360;
    }

    /**
     * Returns the box around a spherical cap.
     *
     * @param raDeg right ascension of the cap centre in degrees
     * @param decDeg declination of the cap centre in degrees
     * @param radiusDeg angular radius of the cap in degrees
     */
    static SkyBox aroundCap(double raDeg, double decDeg, double radiusDeg) {
        double decMin = Math.max(-90, decDeg - radiusDeg);
        double decMax = Math.min(90, decDeg + radiusDeg);
        if (decMax >= 90 || decMin <= -90 || radiusDeg >= 90) {
            return new SkyBox(decMin, decMax, 0, 360);
        }
        // Widest right ascension reach of a cap that does not contain a pole.
        double halfWidth = Math.toDegrees(
                Math.asin(Math.min(1, Math.sin(Math.toRadians(radiusDeg)) / Math.cos(Math.toRadians(decDeg)))));
        return aroundRa(decMin, decMax, raDeg - halfWidth, 2 * halfWidth);
    }

    /**
     * Returns the smallest box that contains a set of positions, each widened by a margin: the right
     * ascension range is the circle minus its largest gap between positions.
     *
     * @param raDecDeg positions as {@code [raDeg, decDeg]}
     * @param marginDeg angular margin around every position in degrees
     */
    static SkyBox enclosing(List<double[]> raDecDeg, double marginDeg) {
        if (raDecDeg.isEmpty()) {
            return WHOLE_SKY;
        }
        double decMin = 90;
        double decMax = -90;
        double[] ras = new double[raDecDeg.size()];
        double maxAbsDec = 0;

        for (int i = 0; i < ras.length; i++) {
            double[] p = raDecDeg.get(i);
            ras[i] = normalizeRa(p[0]);
            decMin = Math.min(decMin, p[1]);
            decMax = Math.max(decMax, p[1]);
            maxAbsDec = Math.max(maxAbsDec, Math.abs(p[1]));
        }
        decMin = Math.max(-90, decMin - marginDeg);
        decMax = Math.min(90, decMax + marginDeg);
        if (decMin <= -90 || decMax >= 90) {
            return new SkyBox(decMin, decMax, 0, 360);
        }

        Arrays.sort(ras);
        double largestGap = ras[0] + 360 - ras[ras.length - 1];
        double start = ras[0];
        for (int i = 1; i < ras.length; i++) {
            double gap = ras[i] - ras[i - 1];
            if (gap > largestGap) {
                largestGap = gap;
                start = ras[i];
            }
        }
        // A margin on the sky spans more right ascension away from the equator.
        double raMargin = marginDeg / Math.max(1e-6, Math.cos(Math.toRadians(Math.min(89.999, maxAbsDec + marginDeg))));
        return aroundRa(decMin, decMax, start - raMargin, 360 - largestGap + 2 * raMargin);
    }

    private static SkyBox aroundRa(double decMin, double decMax, double raStartDeg, double spanDeg) {
        if (spanDeg >= 360) {
            return new SkyBox(decMin, decMax, 0, 360);
        }
        return new SkyBox(decMin, decMax, normalizeRa(raStartDeg), spanDeg);
    }

    /** Returns a right ascension in [0, 360). */
    static double normalizeRa(double raDeg) {
        double ra = raDeg % 360;
        return ra < 0 ? ra + 360 : ra;
    }
}
