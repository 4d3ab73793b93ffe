package org.kowalski.api.web;

import java.util.List;
import java.util.Map;

/** Names the type of a parsed request value in error messages. */
public final class PythonTypes {

    private PythonTypes() {}

    /** Returns the JSON type of a parsed value: object, array, string, integer, number, boolean or null. */
    public static String jsonTypeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?>) {
            return "object";
        }
        if (value instanceof List<?>) {
            return "array";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof Integer || value instanceof Long) {
            return "integer";
        }
        if (value instanceof Number) {
            return "number";
        }
        return value.getClass().getSimpleName();
    }
}
