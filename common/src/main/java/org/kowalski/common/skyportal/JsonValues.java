package org.kowalski.common.skyportal;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/** Converts values read from the store into values that JSON can carry as SkyPortal expects them. */
final class JsonValues {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_LOCAL_DATE_TIME.withZone(ZoneOffset.UTC);

    private JsonValues() {}

    /**
     * Returns a copy with maps and lists copied, object ids and dates as text, Decimal128 as a decimal, and
     * NaN or infinite numbers as {@code null}; binary values become {@code null}.
     */
    static Object plain(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put(String.valueOf(key), plain(item)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(plain(item)));
            return copy;
        }
        if (value instanceof Double number) {
            return Double.isFinite(number) ? number : null;
        }
        if (value instanceof Float number) {
            return Float.isFinite(number) ? number.doubleValue() : null;
        }
        if (value instanceof ObjectId id) {
            return id.toHexString();
        }
        if (value instanceof Date date) {
            return ISO.format(date.toInstant());
        }
        if (value instanceof Decimal128 decimal) {
            return decimal.bigDecimalValue();
        }
        if (value instanceof byte[] || value instanceof org.bson.types.Binary) {
            return null;
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> plainMap(Map<?, ?> map) {
        return (Map<String, Object>) plain(map);
    }
}
