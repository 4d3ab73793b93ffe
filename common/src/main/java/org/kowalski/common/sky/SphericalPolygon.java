package org.kowalski.common.sky;

import java.util.ArrayList;
import java.util.List;
import org.bson.Document;

/**
 * A GeoJSON Polygon or MultiPolygon on the sphere, with MongoDB's 2dsphere meaning: positions are
 * {@code [longitude, latitude]} in degrees (longitude {@code ra - 180} for Kowalski's points), edges are
 * great-circle arcs, the first ring of a polygon is its boundary and further rings are holes, and a
 * ring encloses the smaller of the two regions it separates (MongoDB's default for {@code $geoWithin}).
 * Points on a ring's edge count as inside, to floating-point rounding.
 */
public final class SphericalPolygon {

    /** Widening of the latitude band in degrees, so that rounding never drops a point of the region. */
    private static final double MARGIN_DEG = 1e-9;

    private final List<List<Ring>> polygons;

    private SphericalPolygon(List<List<Ring>> polygons) {
        this.polygons = polygons;
    }

    /**
     * Reads a GeoJSON geometry {@code {"type": "Polygon" | "MultiPolygon", "coordinates": ...}}.
     *
     * @throws InvalidSkyQueryException for another type, rings of fewer than three distinct positions, or
     *     positions that are not pairs of numbers
     */
    public static SphericalPolygon fromGeoJson(Document geometry) {
        Object type = geometry.get("type");
        Object coordinates = geometry.get("coordinates");
        List<List<Ring>> polygons = new ArrayList<>();
        if ("Polygon".equals(type)) {
            polygons.add(readPolygon(coordinates, "coordinates"));
        } else if ("MultiPolygon".equals(type) && coordinates instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                polygons.add(readPolygon(list.get(i), "coordinates[" + i + "]"));
            }
        } else {
            throw new InvalidSkyQueryException("The geometry type is " + type
                    + ": use a GeoJSON Polygon or MultiPolygon with coordinates as [longitude, latitude] pairs");
        }
        return new SphericalPolygon(polygons);
    }

    /** Returns whether the position, in GeoJSON longitude and latitude degrees, lies inside. */
    public boolean contains(double lonDeg, double latDeg) {
        double[] point = unitVector(lonDeg, latDeg);
        for (List<Ring> polygon : polygons) {
            if (polygon.get(0).contains(point) && !insideAnyHole(polygon, point)) {
                return true;
            }
        }
        return false;
    }

    private static boolean insideAnyHole(List<Ring> polygon, double[] point) {
        for (int i = 1; i < polygon.size(); i++) {
            if (polygon.get(i).containsStrictly(point)) {
                return true;
            }
        }
        return false;
    }

    /** Returns {lowest, highest} latitude in degrees of the region, edges and enclosed poles included. */
    public double[] latitudeRangeDeg() {
        double min = 90;
        double max = -90;
        for (List<Ring> polygon : polygons) {
            Ring boundary = polygon.get(0);
            double[] range = boundary.latitudeRange();
            min = Math.min(min, range[0]);
            max = Math.max(max, range[1]);
            if (boundary.contains(new double[] {0, 0, 1})) {
                max = 90;
            }
            if (boundary.contains(new double[] {0, 0, -1})) {
                min = -90;
            }
        }
        return new double[] {Math.max(-90, min - MARGIN_DEG), Math.min(90, max + MARGIN_DEG)};
    }

    private static List<Ring> readPolygon(Object value, String where) {
        if (!(value instanceof List<?> rings) || rings.isEmpty()) {
            throw new InvalidSkyQueryException("The polygon at " + where + " has no rings: give a list of rings,"
                    + " each a closed list of [longitude, latitude] pairs");
        }
        List<Ring> polygon = new ArrayList<>();
        for (int i = 0; i < rings.size(); i++) {
            polygon.add(Ring.read(rings.get(i), where + "[" + i + "]"));
        }
        return polygon;
    }

    static double[] unitVector(double lonDeg, double latDeg) {
        double lon = Math.toRadians(lonDeg);
        double lat = Math.toRadians(latDeg);
        return new double[] {Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)};
    }

    /** One closed ring of unit vectors, without the repeated closing position. */
    private static final class Ring {

        /** Distances below this, in radians, count as on a vertex or edge. */
        private static final double EDGE_TOLERANCE_RAD = 1e-12;

        private final double[][] vertices;
        /** Area of the region to the left of the ring's direction, seen from outside the sphere, in steradians. */
        private final double leftAreaSr;

        private Ring(double[][] vertices) {
            this.vertices = vertices;
            this.leftAreaSr = 2 * Math.PI - totalTurning();
        }

        static Ring read(Object value, String where) {
            if (!(value instanceof List<?> positions)) {
                throw new InvalidSkyQueryException("The ring at " + where + " is not a list of positions");
            }
            List<double[]> vertices = new ArrayList<>();
            for (Object position : positions) {
                if (!(position instanceof List<?> pair)
                        || pair.size() < 2
                        || !(pair.get(0) instanceof Number lon)
                        || !(pair.get(1) instanceof Number lat)) {
                    throw new InvalidSkyQueryException("The ring at " + where + " has the position " + position
                            + ": use [longitude, latitude] numbers in degrees");
                }
                double[] vertex = unitVector(lon.doubleValue(), lat.doubleValue());
                if (vertices.isEmpty() || !same(vertices.get(vertices.size() - 1), vertex)) {
                    vertices.add(vertex);
                }
            }
            if (vertices.size() > 1 && same(vertices.get(0), vertices.get(vertices.size() - 1))) {
                vertices.remove(vertices.size() - 1);
            }
            if (vertices.size() < 3) {
                throw new InvalidSkyQueryException("The ring at " + where + " has " + vertices.size()
                        + " distinct positions: a ring needs at least three");
            }
            return new Ring(vertices.toArray(new double[0][]));
        }

        /** Returns whether the point is in the smaller region the ring encloses, or on the ring. */
        boolean contains(double[] point) {
            return onRing(point) || containsStrictly(point);
        }

        /** Returns whether the point is in the smaller region, edges excluded (to rounding). */
        boolean containsStrictly(double[] point) {
            double winding = winding(point);
            if (Math.abs(winding) < Math.PI) {
                // The ring does not separate the point from its antipode, so the point is outside.
                return false;
            }
            // Positive winding: the point is on the ring's left side.
            boolean leftIsSmaller = leftAreaSr < 2 * Math.PI;
            return winding > 0 == leftIsSmaller;
        }

        /** Returns the sum of the signed angles the edges subtend at the point: ±2π or 0. */
        private double winding(double[] point) {
            double sum = 0;
            for (int i = 0; i < vertices.length; i++) {
                double[] a = vertices[i];
                double[] b = vertices[(i + 1) % vertices.length];
                double sine = dot(point, cross(a, b));
                double cosine = dot(a, b) - dot(point, a) * dot(point, b);
                sum += Math.atan2(sine, cosine);
            }
            return sum;
        }

        /** Returns the sum of the signed turning angles at the vertices, left turns positive. */
        private double totalTurning() {
            double sum = 0;
            int n = vertices.length;
            for (int i = 0; i < n; i++) {
                double[] a = vertices[(i + n - 1) % n];
                double[] b = vertices[i];
                double[] c = vertices[(i + 1) % n];
                double[] incoming = cross(cross(a, b), b);
                double[] outgoing = cross(cross(b, c), b);
                sum += Math.atan2(dot(b, cross(incoming, outgoing)), dot(incoming, outgoing));
            }
            return sum;
        }

        private boolean onRing(double[] point) {
            for (int i = 0; i < vertices.length; i++) {
                if (distanceToArc(point, vertices[i], vertices[(i + 1) % vertices.length]) < EDGE_TOLERANCE_RAD) {
                    return true;
                }
            }
            return false;
        }

        /** Returns {lowest, highest} latitude in degrees along the ring's arcs. */
        double[] latitudeRange() {
            double min = 90;
            double max = -90;
            for (int i = 0; i < vertices.length; i++) {
                double[] a = vertices[i];
                double[] b = vertices[(i + 1) % vertices.length];
                double latA = Math.toDegrees(Math.asin(clamp(a[2])));
                min = Math.min(min, latA);
                max = Math.max(max, latA);
                // An arc can bulge past its ends towards a pole: check the great circle's highest and lowest points.
                double[] normal = normalize(cross(a, b));
                double[] top = normalize(
                        new double[] {-normal[2] * normal[0], -normal[2] * normal[1], 1 - normal[2] * normal[2]});
                if (top != null) {
                    for (double[] extreme : new double[][] {top, {-top[0], -top[1], -top[2]}}) {
                        if (onArc(extreme, a, b, normal)) {
                            double lat = Math.toDegrees(Math.asin(clamp(extreme[2])));
                            min = Math.min(min, lat);
                            max = Math.max(max, lat);
                        }
                    }
                }
            }
            return new double[] {min, max};
        }

        private static boolean onArc(double[] point, double[] a, double[] b, double[] normal) {
            return normal != null && dot(cross(a, point), normal) >= 0 && dot(cross(point, b), normal) >= 0;
        }

        private static double distanceToArc(double[] point, double[] a, double[] b) {
            double[] normal = normalize(cross(a, b));
            double toA = angle(point, a);
            double toB = angle(point, b);
            if (normal == null) {
                return Math.min(toA, toB);
            }
            double[] foot = normalize(new double[] {
                point[0] - dot(point, normal) * normal[0],
                point[1] - dot(point, normal) * normal[1],
                point[2] - dot(point, normal) * normal[2]
            });
            if (foot != null && onArc(foot, a, b, normal)) {
                return Math.abs(Math.asin(clamp(dot(point, normal))));
            }
            return Math.min(toA, toB);
        }

        private static double angle(double[] u, double[] v) {
            return Math.atan2(length(cross(u, v)), dot(u, v));
        }

        private static boolean same(double[] u, double[] v) {
            return angle(u, v) < EDGE_TOLERANCE_RAD;
        }
    }

    private static double[] cross(double[] u, double[] v) {
        return new double[] {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
    }

    private static double dot(double[] u, double[] v) {
        return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    }

    private static double length(double[] u) {
        return Math.sqrt(dot(u, u));
    }

    /** Returns the unit vector along u, or null for a zero vector. */
    private static double[] normalize(double[] u) {
        double length = length(u);
        if (length < 1e-300) {
            return null;
        }
        return new double[] {u[0] / length, u[1] / length, u[2] / length};
    }

    private static double clamp(double value) {
        return Math.max(-1, Math.min(1, value));
    }
}
