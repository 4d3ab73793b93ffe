package org.kowalski.api.query;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.kowalski.api.web.ApiException;
import org.kowalski.api.web.PythonTypes;

/**
 * Reads the parts of a query request as the Python original did: filters, projections and pipelines
 * as JSON values or Python literal strings, numbers through Python's {@code float()} and {@code int()}
 * rules, and the cursor options {@code skip}, {@code limit}, {@code sort} and {@code hint} with the
 * types pymongo accepts. Every problem is a 400 naming the value and the fix.
 */
final class QueryArguments {

    private QueryArguments() {}

    /**
     * Returns {@code query.catalog} without surrounding spaces.
     *
     * @throws ApiException 400 when it is missing or not a string
     */
    static String catalog(Document query) {
        Object value = query.get("catalog");
        if (value == null) {
            throw ApiException.badRequest(
                    "KeyError: 'catalog': query.catalog is missing; name the collection to query, for example"
                            + " \"catalog\": \"ZTF_alerts\"");
        }
        if (!(value instanceof String name)) {
            throw ApiException.badRequest("AttributeError: query.catalog must be a string, got the JSON "
                    + PythonTypes.jsonTypeName(value) + " " + value);
        }
        return name.strip();
    }

    /**
     * Returns a filter given as an object or a Python literal string such as {@code "{'candid': 1}"}.
     *
     * @param where the request path of the value, such as {@code query.filter}, for messages
     * @throws ApiException 400 for a missing filter or any other type
     */
    static Document filter(Object value, String where) {
        return document(value, where, "filter", "{\"candidate.drb\": {\"$gt\": 0.9}}");
    }

    /** Returns a projection (object or Python literal string), or null for whole documents when absent or empty. */
    static Document projection(Object value, String where) {
        if (value == null) {
            return null;
        }
        Document projection = document(value, where, "projection", "{\"objectId\": 1, \"candid\": 1}");
        return projection.isEmpty() ? null : projection;
    }

    private static Document document(Object value, String where, String kind, String example) {
        Object parsed = value instanceof String text ? literal(text, where) : value;
        if (parsed instanceof Document document) {
            return document;
        }
        if (parsed instanceof Map<?, ?> map) {
            return new Document(stringKeys(map));
        }
        throw ApiException.badRequest("ValidationError: Unsupported " + kind + " specification: " + where
                + " must be an object or a Python literal string of one, such as " + example + ", got "
                + describe(value));
    }

    /**
     * Returns an aggregation pipeline given as an array of stages or a Python literal string of one.
     *
     * @throws ApiException 400 for another type or an empty pipeline
     */
    static List<Document> pipeline(Object value, String where) {
        Object parsed = value instanceof String text ? literal(text, where) : value;
        if (!(parsed instanceof List<?> stages)) {
            throw ApiException.badRequest("ValidationError: Unsupported pipeline specification: " + where
                    + " must be an array of stages such as [{\"$match\": {}}], got " + describe(value));
        }
        if (stages.isEmpty()) {
            throw ApiException.badRequest("ValidationError: Pipeline must contain at least one stage; add a stage"
                    + " such as {\"$match\": {}}");
        }
        List<Document> pipeline = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            Object stage = stages.get(i);
            if (!(stage instanceof Map<?, ?> map) || map.size() != 1) {
                throw ApiException.badRequest("ValidationError: invalid stage " + where + "[" + i + "]: "
                        + describe(stage) + "; each stage must be an object with exactly one key, such as"
                        + " {\"$match\": {}}");
            }
            pipeline.add(stage instanceof Document document ? document : new Document(stringKeys(map)));
        }
        return pipeline;
    }

    /** Evaluates a Python literal string, or fails with a 400 naming where it came from. */
    static Object literal(String text, String where) {
        try {
            return PythonLiteral.evaluate(text);
        } catch (PythonLiteral.InvalidLiteralException e) {
            throw ApiException.badRequest("ValidationError: " + where + " is a string, so it is read as a Python"
                    + " literal, and that failed: " + e.getMessage() + "; send a JSON value instead, or use"
                    + " Python syntax (True, False, None, quoted strings)");
        }
    }

    /**
     * Returns Python's {@code float(value)}: numbers, booleans and numeric strings.
     *
     * @throws ApiException 400 naming {@code where}
     */
    static double pythonFloat(Object value, String where) {
        if (value instanceof Boolean flag) {
            return flag ? 1.0 : 0.0;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value instanceof String text) {
            String cleaned = text.strip().replace("_", "").toLowerCase();
            switch (cleaned) {
                case "inf", "+inf", "infinity", "+infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-inf", "-infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                case "nan", "+nan", "-nan" -> {
                    return Double.NaN;
                }
                default -> {
                    if (cleaned.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
                        return Double.parseDouble(cleaned);
                    }
                }
            }
            throw ApiException.badRequest("ValidationError: could not convert string to float: '" + text + "' (" + where
                    + "); send a number");
        }
        throw ApiException.badRequest("ValidationError: " + where + " must be a number, got " + describe(value));
    }

    /**
     * Returns Python's {@code int(value)} as a long: integers, floats truncated, booleans, integer strings.
     *
     * @throws ApiException 400 naming {@code where}
     */
    static long pythonInt(Object value, String where) {
        if (value instanceof Boolean flag) {
            return flag ? 1 : 0;
        }
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double number) {
            if (number.isNaN() || number.isInfinite()) {
                throw ApiException.badRequest("ValueError: cannot convert float " + number + " to integer (" + where
                        + "); send a whole number");
            }
            return new BigDecimal(number).longValue();
        }
        if (value instanceof String text && text.strip().replace("_", "").matches("[+-]?\\d{1,18}")) {
            return Long.parseLong(text.strip().replace("_", ""));
        }
        throw ApiException.badRequest("ValueError: invalid literal for int() with base 10: " + PythonRepr.repr(value)
                + " (" + where + "); send a whole number");
    }

    /** Returns Python's truth value of a JSON value. */
    static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        if (value instanceof Number number) {
            return number.doubleValue() != 0;
        }
        if (value instanceof String text) {
            return !text.isEmpty();
        }
        if (value instanceof Collection<?> items) {
            return !items.isEmpty();
        }
        if (value instanceof Map<?, ?> map) {
            return !map.isEmpty();
        }
        return true;
    }

    /**
     * Returns a whole-number cursor option such as {@code limit}, which pymongo accepts only as an int.
     *
     * @throws ApiException 400 for other types and values outside the 32-bit range
     */
    static Integer intOption(Document kwargs, String key) {
        Object value = kwargs.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Integer number)) {
            throw ApiException.badRequest("TypeError: " + key + " must be an instance of int, got " + describe(value)
                    + " (kwargs." + key + "); send a whole number such as 10");
        }
        return number;
    }

    /**
     * Returns a sort or hint key specification as a document: an object {@code {field: direction}}, a
     * list of {@code [field, direction]} pairs or a list of field names (ascending).
     *
     * @throws ApiException 400 for any other form or direction
     */
    static Document keySpecification(Object value, String where) {
        if (value instanceof Map<?, ?> map) {
            Document keys = new Document();
            map.forEach((field, direction) -> keys.put(String.valueOf(field), direction(direction, where)));
            return keys;
        }
        if (value instanceof List<?> items) {
            Document keys = new Document();
            for (Object item : items) {
                if (item instanceof String field) {
                    keys.put(field, 1);
                } else if (item instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String field) {
                    keys.put(field, direction(pair.get(1), where));
                } else {
                    throw invalidKeys(where, value);
                }
            }
            return keys;
        }
        throw invalidKeys(where, value);
    }

    private static Object direction(Object direction, String where) {
        if (direction instanceof Integer || direction instanceof Long || direction instanceof String) {
            return direction;
        }
        if (direction instanceof Map<?, ?> map) {
            return new Document(stringKeys(map));
        }
        throw ApiException.badRequest("TypeError: the direction " + describe(direction) + " in " + where
                + " is invalid; use 1, -1, or an index type such as \"2dsphere\"");
    }

    private static ApiException invalidKeys(String where, Object value) {
        return ApiException.badRequest("TypeError: " + where + " must be an object {field: direction} or a list"
                + " of [field, direction] pairs such as [[\"candidate.jd\", -1]], got " + describe(value));
    }

    /** Describes a value for messages: its JSON type and, when short, the value itself. */
    static String describe(Object value) {
        String text = value instanceof String string ? "'" + string + "'" : PythonRepr.repr(value);
        if (text.length() > 200) {
            text = text.substring(0, 200) + "...";
        }
        return "the JSON " + PythonTypes.jsonTypeName(value) + " " + text;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Document document = new Document();
        map.forEach((key, item) -> document.put(String.valueOf(key), item));
        return document;
    }
}
