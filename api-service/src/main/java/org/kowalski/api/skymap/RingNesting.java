package org.kowalski.api.skymap;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups oriented contour rings into GeoJSON-style polygons. Rings traced with the region on their left
 * run counterclockwise in (right ascension, declination) around the region and clockwise around holes.
 * A ring whose right ascension winds once around the circle encloses a pole and is an outer boundary.
 */
final class RingNesting {

    private RingNesting() {}

    /**
     * Returns polygons as lists of rings, each outer ring followed by the holes inside it. A hole that lies
     * in no outer ring is returned as a polygon of its own.
     */
    static List<List<List<double[]>>> nest(List<List<double[]>> rings) {
        List<List<List<double[]>>> polygons = new ArrayList<>();
        List<List<double[]>> outerRings = new ArrayList<>();
        List<Double> outerAreas = new ArrayList<>();
        List<List<double[]>> holes = new ArrayList<>();
        for (List<double[]> ring : rings) {
            double[] unwrapped = unwrappedRa(ring);
            double winding = unwrapped[unwrapped.length - 1] - unwrapped[0];
            double area = signedArea(ring, unwrapped);
            if (Math.abs(winding) > 180 || area > 0) {
                List<List<double[]>> polygon = new ArrayList<>();
                polygon.add(ring);
                polygons.add(polygon);
                outerRings.add(ring);
                outerAreas.add(Math.abs(winding) > 180 ? Double.MAX_VALUE : area);
            } else {
                holes.add(ring);
            }
        }
        for (List<double[]> hole : holes) {
            int owner = -1;
            double ownerArea = Double.MAX_VALUE;
            for (int i = 0; i < outerRings.size(); i++) {
                if (outerAreas.get(i) < ownerArea && contains(outerRings.get(i), hole.get(0))) {
                    owner = i;
                    ownerArea = outerAreas.get(i);
                }
            }
            if (owner >= 0) {
                polygons.get(owner).add(hole);
            } else {
                List<List<double[]>> polygon = new ArrayList<>();
                polygon.add(hole);
                polygons.add(polygon);
            }
        }
        return polygons;
    }

    /** Returns the right ascensions of a ring made continuous, each step taken the short way round. */
    private static double[] unwrappedRa(List<double[]> ring) {
        double[] ra = new double[ring.size()];
        ra[0] = ring.get(0)[0];
        for (int i = 1; i < ra.length; i++) {
            double step = ring.get(i)[0] - ring.get(i - 1)[0];
            step -= 360 * Math.rint(step / 360);
            ra[i] = ra[i - 1] + step;
        }
        return ra;
    }

    private static double signedArea(List<double[]> ring, double[] ra) {
        double twiceArea = 0;
        for (int i = 0; i + 1 < ring.size(); i++) {
            twiceArea += ra[i] * ring.get(i + 1)[1] - ra[i + 1] * ring.get(i)[1];
        }
        return twiceArea / 2;
    }

    /** Even-odd test in (right ascension, declination), for rings that do not wind around a pole. */
    private static boolean contains(List<double[]> ring, double[] point) {
        double[] ra = unwrappedRa(ring);
        if (Math.abs(ra[ra.length - 1] - ra[0]) > 180) {
            return true;
        }
        double x = point[0] - 360 * Math.rint((point[0] - ra[0]) / 360);
        double y = point[1];
        boolean inside = false;
        for (int i = 0, j = ring.size() - 2; i < ring.size() - 1; j = i++) {
            double yi = ring.get(i)[1];
            double yj = ring.get(j)[1];
            if ((yi > y) != (yj > y)) {
                double xCross = ra[i] + (y - yi) * (ra[j] - ra[i]) / (yj - yi);
                if (x < xCross) {
                    inside = !inside;
                }
            }
        }
        return inside;
    }
}
