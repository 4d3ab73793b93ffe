package org.kowalski.ingest;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.kowalski.common.sky.Coordinates;
import org.kowalski.ingest.read.CatalogRow;

/**
 * Turns catalog rows into documents: {@code _id} first, then every column under its field name, then
 * {@code coordinates} as the alert brokers write it ({@code radec_str} and {@code radec_geojson}).
 *
 * <p>One null policy for every format: a null (masked, empty) or NaN cell is left out of its document;
 * strings are stripped of surrounding whitespace and left out when nothing remains. Inside arrays a null
 * or NaN element becomes {@code null}, so the other elements keep their positions. Infinite values are
 * kept. The RA and Dec columns are stored as the file has them; only {@code coordinates} holds the
 * parsed position in degrees.
 */
final class CatalogDocumentBuilder {

    private final ColumnPlan plan;
    private final String fileName;

    CatalogDocumentBuilder(ColumnPlan plan, String fileName) {
        this.plan = plan;
        this.fileName = fileName;
    }

    /**
     * Builds the document of a row without {@code coordinates}, or returns {@code null} after passing the
     * reason to {@code skips} (malformed row, missing or invalid id).
     */
    Document fields(CatalogRow row, Consumer<SkippedRow> skips) {
        if (row.problem() != null) {
            skips.accept(new SkippedRow(row.rowNumber(), SkipReason.MALFORMED_ROW, row.problem()));
            return null;
        }
        Document document = new Document();
        if (plan.idColumn() == null) {
            document.put("_id", fileName + ":" + row.rowNumber());
        } else {
            Object id = clean(row.values().get(plan.idColumn()));
            if (id == null) {
                skips.accept(new SkippedRow(row.rowNumber(), SkipReason.ID_MISSING, "column " + plan.idColumn()));
                return null;
            }
            Object normalized = normalizeId(id);
            if (normalized == null) {
                skips.accept(new SkippedRow(
                        row.rowNumber(),
                        SkipReason.ID_INVALID,
                        "value " + id + " of type " + id.getClass().getSimpleName() + " in column " + plan.idColumn()));
                return null;
            }
            document.put("_id", normalized);
        }
        for (Map.Entry<String, String> column : plan.fieldNames().entrySet()) {
            Object value = clean(row.values().get(column.getKey()));
            if (value != null) {
                document.put(column.getValue(), value);
            }
        }
        return document;
    }

    /**
     * Adds {@code coordinates} to a document, or returns {@code false} after passing the reason to
     * {@code skips}.
     *
     * @param raValue the RA cell: degrees, or a sexagesimal string in hours
     * @param decValue the Dec cell: degrees, or a sexagesimal string in degrees
     */
    boolean addCoordinates(
            Document document, long rowNumber, Object raValue, Object decValue, Consumer<SkippedRow> skips) {
        double raDeg;
        double decDeg;
        try {
            raDeg = SkyPositions.raDeg(raValue);
            decDeg = SkyPositions.decDeg(decValue);
        } catch (SkyPositions.InvalidPositionException e) {
            skips.accept(new SkippedRow(rowNumber, e.reason(), e.getMessage()));
            return false;
        }
        document.put("coordinates", coordinates(raDeg, decDeg));
        return true;
    }

    /** Returns the {@code coordinates} sub-document that the alert brokers also write. */
    static Document coordinates(double raDeg, double decDeg) {
        return new Document("radec_str", Coordinates.radecStr(raDeg, decDeg))
                .append("radec_geojson", Coordinates.geoJsonPoint(raDeg, decDeg));
    }

    /**
     * Returns an id as stored in {@code _id}: strings as they are, integers as {@code Long} (so that 5
     * from a 16-bit and from a 64-bit column are the same id), unsigned 64-bit integers above
     * {@code Long.MAX_VALUE} as {@code Decimal128}; or {@code null} for any other type.
     */
    static Object normalizeId(Object id) {
        if (id instanceof String || id instanceof Long) {
            return id;
        }
        if (id instanceof Integer || id instanceof Short || id instanceof Byte) {
            return ((Number) id).longValue();
        }
        if (id instanceof Decimal128 decimal && isInteger(decimal.bigDecimalValue())) {
            return decimal;
        }
        return null;
    }

    private static boolean isInteger(BigDecimal value) {
        return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
    }

    /** Applies the null policy to a cell; returns {@code null} for a value that is left out. */
    static Object clean(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Double d) {
            return d.isNaN() ? null : d;
        }
        if (value instanceof Float f) {
            return f.isNaN() ? null : f.doubleValue();
        }
        if (value instanceof String text) {
            String stripped = text.strip();
            return stripped.isEmpty() ? null : stripped;
        }
        if (value instanceof List<?> list) {
            return cleanList(list);
        }
        if (value instanceof Map<?, ?> map) {
            Document nested = new Document();
            map.forEach((key, item) -> {
                Object cleaned = clean(item);
                if (cleaned != null) {
                    nested.put(String.valueOf(key), cleaned);
                }
            });
            return nested;
        }
        return value;
    }

    private static List<Object> cleanList(List<?> list) {
        List<Object> cleaned = new ArrayList<>(list.size());
        for (Object item : list) {
            if (item instanceof String text) {
                cleaned.add(text.strip());
            } else {
                cleaned.add(clean(item));
            }
        }
        return cleaned;
    }
}
