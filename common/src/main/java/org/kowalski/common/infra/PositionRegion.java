package org.kowalski.common.infra;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kowalski.common.sky.SkyQuery;

/**
 * Derives from a query document the rectangles of stored longitude and latitude that contain the
 * position of every document the query can match, from the numeric range conditions on the two
 * elements of the position array.
 *
 * <p>The derived region is a superset: a condition it cannot read ({@code $nor}, {@code $expr}, a
 * non-numeric bound, an {@code $in}, ...) is left out, which only widens it. Conditions joined by
 * {@code $and} or by the keys of one document intersect, and the branches of an {@code $or} unite. A
 * document whose stored value is missing or not a number never satisfies a numeric range, so documents
 * outside the region cannot match. The index keeps documents with an irregular position apart and
 * always returns them as candidates, so that the store's matcher decides for those.
 */
final class PositionRegion {

    static final String LONGITUDE_FIELD = SkyQuery.GEO_FIELD + ".coordinates.0";
    static final String LATITUDE_FIELD = SkyQuery.GEO_FIELD + ".coordinates.1";

    /** Beyond this many rectangles a region is replaced by a wider one, so that derivation stays cheap. */
    private static final int MAX_RECTANGLES = 64;

    private PositionRegion() {}

    /**
     * Returns the rectangles that contain every position the query can match, an empty list when it can
     * match no document with a regular position, or {@code null} when the query bounds neither longitude
     * nor latitude.
     */
    static List<SkyRectangle> of(Document query) {
        List<SkyRectangle> region = regionOf(query);
        for (SkyRectangle rectangle : region) {
            if (rectangle.isUnbounded()) {
                return null;
            }
        }
        return region;
    }

    private static List<SkyRectangle> regionOf(Map<?, ?> query) {
        List<SkyRectangle> region = List.of(SkyRectangle.WHOLE_SKY);
        for (Map.Entry<?, ?> entry : query.entrySet()) {
            Object key = entry.getKey();
            Object value = entry.getValue();
            if (LONGITUDE_FIELD.equals(key)) {
                double[] range = rangeOf(value);
                region = intersect(
                        region,
                        List.of(new SkyRectangle(
                                range[0], range[1], Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY)));
            } else if (LATITUDE_FIELD.equals(key)) {
                double[] range = rangeOf(value);
                region = intersect(
                        region,
                        List.of(new SkyRectangle(
                                Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, range[0], range[1])));
            } else if ("$and".equals(key) && value instanceof List<?> clauses) {
                for (Object clause : clauses) {
                    if (clause instanceof Map<?, ?> subquery) {
                        region = intersect(region, regionOf(subquery));
                    }
                }
            } else if ("$or".equals(key) && value instanceof List<?> branches) {
                region = intersect(region, unionOf(branches));
            }
        }
        return region;
    }

    private static List<SkyRectangle> unionOf(List<?> branches) {
        List<SkyRectangle> union = new ArrayList<>();
        for (Object branch : branches) {
            if (!(branch instanceof Map<?, ?> subquery)) {
                return List.of(SkyRectangle.WHOLE_SKY);
            }
            union.addAll(regionOf(subquery));
            if (union.size() > MAX_RECTANGLES) {
                return List.of(SkyRectangle.WHOLE_SKY);
            }
        }
        return union;
    }

    /** Intersects two unions of rectangles; when the result would be too large it keeps the left side, a superset. */
    private static List<SkyRectangle> intersect(List<SkyRectangle> left, List<SkyRectangle> right) {
        if (left.size() * right.size() > MAX_RECTANGLES) {
            return left;
        }
        List<SkyRectangle> result = new ArrayList<>();
        for (SkyRectangle a : left) {
            for (SkyRectangle b : right) {
                SkyRectangle both = a.intersect(b);
                if (!both.isEmpty()) {
                    result.add(both);
                }
            }
        }
        return result;
    }

    /**
     * Returns {@code [min, max]} of the values that a field condition admits: a number is an equality,
     * and {@code $gt}, {@code $gte}, {@code $lt}, {@code $lte} and {@code $eq} with numeric operands set
     * bounds. Strict bounds are read as inclusive, which only widens the range.
     */
    private static double[] rangeOf(Object condition) {
        double min = Double.NEGATIVE_INFINITY;
        double max = Double.POSITIVE_INFINITY;
        if (condition instanceof Number number && isFinite(number)) {
            return new double[] {number.doubleValue(), number.doubleValue()};
        }
        if (!(condition instanceof Map<?, ?> operators)) {
            return new double[] {min, max};
        }
        for (Map.Entry<?, ?> entry : operators.entrySet()) {
            if (!(entry.getKey() instanceof String operator) || !operator.startsWith("$")) {
                // Equality with an embedded document, which no number matches; left unbounded.
                return new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
            }
            if (!(entry.getValue() instanceof Number operand) || !isFinite(operand)) {
                continue;
            }
            double bound = operand.doubleValue();
            switch (operator) {
                case "$gt", "$gte" -> min = Math.max(min, bound);
                case "$lt", "$lte" -> max = Math.min(max, bound);
                case "$eq" -> {
                    min = Math.max(min, bound);
                    max = Math.min(max, bound);
                }
                default -> {
                    // Other operators are left out, which widens the range.
                }
            }
        }
        return new double[] {min, max};
    }

    private static boolean isFinite(Number number) {
        return Double.isFinite(number.doubleValue());
    }
}
