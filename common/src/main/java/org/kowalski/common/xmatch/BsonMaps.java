package org.kowalski.common.xmatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/** Converts configuration maps, as the YAML loader builds them, to BSON documents. */
final class BsonMaps {

    private BsonMaps() {}

    /** Returns a deep copy of a map with every nested map turned into a {@link Document}; {@code null} stays {@code null}. */
    static Document toDocument(Map<String, Object> map) {
        if (map == null) {
            return null;
        }
        Document document = new Document();
        map.forEach((key, value) -> document.put(key, convert(value)));
        return document;
    }

    @SuppressWarnings("unchecked")
    private static Object convert(Object value) {
        if (value instanceof Map<?, ?> map) {
            return toDocument((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            List<Object> converted = new ArrayList<>(list.size());
            list.forEach(item -> converted.add(convert(item)));
            return converted;
        }
        return value;
    }
}
