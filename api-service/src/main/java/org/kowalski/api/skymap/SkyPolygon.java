package org.kowalski.api.skymap;

import java.util.List;
import org.kowalski.common.sky.Coordinates;

/**
 * A localization with uniform density inside a polygon, such as a telescope field. Edges are great-circle
 * arcs; the polygon must fit in a hemisphere around its centre.
 */
final class SkyPolygon implements Localization {

    private final String name;
    private final double[] centreRaDec;
    private final double[] centreVector;
    private final double[][] projected;
    private final double radiusDeg;

    /**
     * @param name localization name
     * @param cornersRaDecDeg at least 3 corners as {@code [raDeg, decDeg]}, in order along the boundary
     * @param centreRaDecDeg the centre as {@code [raDeg, decDeg]}, or {@code null} for the mean of the corners
     */
    SkyPolygon(String name, List<double[]> cornersRaDecDeg, double[] centreRaDecDeg) {
        if (cornersRaDecDeg.size() < 3) {
            throw new IllegalArgumentException("Invalid polygon with " + cornersRaDecDeg.size()
                    + " corners: send at least 3 corners as [ra, dec] in degrees");
        }
        for (double[] corner : cornersRaDecDeg) {
            checkPosition(corner, "polygon corner");
        }
        this.name = name;
        this.centreRaDec =
                centreRaDecDeg != null ? checkPosition(centreRaDecDeg, "polygon center") : mean(cornersRaDecDeg);
        this.centreVector = Coordinates.unitVector(centreRaDec[0], centreRaDec[1]);
        this.projected = new double[cornersRaDecDeg.size()][];
        double radius = 0;
        for (int i = 0; i < projected.length; i++) {
            double[] corner = cornersRaDecDeg.get(i);
            projected[i] = project(corner[0], corner[1]);
            if (projected[i] == null) {
                throw new IllegalArgumentException("Invalid polygon: corner " + corner[0] + ", " + corner[1]
                        + " is 90 degrees or more from the centre; split the polygon into smaller ones");
            }
            radius = Math.max(
                    radius, Coordinates.greatCircleDistanceDeg(centreRaDec[0], centreRaDec[1], corner[0], corner[1]));
        }
        this.radiusDeg = radius;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double density(double raDeg, double decDeg) {
        double[] p = project(raDeg, decDeg);
        if (p == null) {
            return 0;
        }
        // Even-odd ray casting in the gnomonic plane, where great-circle edges are straight lines.
        boolean inside = false;
        for (int i = 0, j = projected.length - 1; i < projected.length; j = i++) {
            double[] a = projected[i];
            double[] b = projected[j];
            if ((a[1] > p[1]) != (b[1] > p[1])) {
                double xCross = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
                if (p[0] < xCross) {
                    inside = !inside;
                }
            }
        }
        return inside ? 1 : 0;
    }

    @Override
    public SkyBox support() {
        return SkyBox.aroundCap(centreRaDec[0], centreRaDec[1], radiusDeg * 1.01 + 1e-3);
    }

    @Override
    public double featureSizeDeg() {
        return Math.max(radiusDeg / 16, 1e-4);
    }

    @Override
    public double[] maximumRaDec() {
        return centreRaDec.clone();
    }

    /** Returns the gnomonic projection about the centre, or {@code null} for the far hemisphere. */
    private double[] project(double raDeg, double decDeg) {
        double[] v = Coordinates.unitVector(raDeg, decDeg);
        double cosDistance = v[0] * centreVector[0] + v[1] * centreVector[1] + v[2] * centreVector[2];
        if (cosDistance <= 1e-9) {
            return null;
        }
        double ra0 = Math.toRadians(centreRaDec[0]);
        double east0 = -Math.sin(ra0);
        double east1 = Math.cos(ra0);
        double dec0 = Math.toRadians(centreRaDec[1]);
        double[] north = {-Math.sin(dec0) * Math.cos(ra0), -Math.sin(dec0) * Math.sin(ra0), Math.cos(dec0)};
        double xi = (v[0] * east0 + v[1] * east1) / cosDistance;
        double eta = (v[0] * north[0] + v[1] * north[1] + v[2] * north[2]) / cosDistance;
        return new double[] {xi, eta};
    }

    private static double[] mean(List<double[]> positions) {
        double x = 0;
        double y = 0;
        double z = 0;
        for (double[] p : positions) {
            double[] v = Coordinates.unitVector(p[0], p[1]);
            x += v[0];
            y += v[1];
            z += v[2];
        }
        double norm = Math.sqrt(x * x + y * y + z * z);
        if (norm < 1e-12) {
            throw new IllegalArgumentException("Invalid polygon: its corners have no mean direction; send a center");
        }
        return new double[] {SkyBox.normalizeRa(Math.toDegrees(Math.atan2(y, x))), Math.toDegrees(Math.asin(z / norm))};
    }

    static double[] checkPosition(double[] raDec, String description) {
        if (raDec.length != 2 || !Double.isFinite(raDec[0]) || !(raDec[1] >= -90 && raDec[1] <= 90)) {
            throw new IllegalArgumentException(
                    "Invalid " + description + ": send [ra, dec] in degrees with dec in [-90, 90]");
        }
        return raDec;
    }
}
