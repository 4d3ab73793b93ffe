package org.kowalski.api.trigger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kowalski.api.web.ApiException;
import org.kowalski.api.web.PythonFloats;

/**
 * The request models of the ZTF trigger routes, checked and coerced as the Python original's pydantic v1
 * models do. A number sent for a string field becomes its text, and numeric strings are accepted for
 * number fields. Errors are listed one per field in pydantic's layout.
 */
enum TriggerRequest {
    QUEUE_SUBMISSION(
            "ZtfQueueSubmission",
            field("queue_name", Kind.STRING, true),
            field("validity_window_mjd", Kind.NUMBER_LIST, true),
            field("targets", Kind.OBJECT_LIST, true),
            field("queue_type", Kind.STRING, true),
            field("user", Kind.STRING, true)),
    QUEUE_REMOVAL("ZtfQueueRemoval", field("queue_name", Kind.STRING, true), field("user", Kind.STRING, true)),
    QUEUE_QUERY("ZtfQueueQuery", field("queue_name", Kind.STRING, false), field("user", Kind.STRING, false)),
    MMA_SUBMISSION(
            "ZtfMmaSubmission",
            field("trigger_name", Kind.STRING, true),
            field("trigger_time", Kind.NUMBER, true),
            field("fields", Kind.OBJECT_LIST, true),
            field("user", Kind.STRING, true)),
    MMA_REMOVAL("ZtfMmaRemoval", field("trigger_name", Kind.STRING, true), field("user", Kind.STRING, true)),
    MMA_QUERY("ZtfMmaQuery", field("trigger_name", Kind.STRING, false), field("user", Kind.STRING, false));

    /** The type of one field. */
    enum Kind {
        STRING,
        NUMBER,
        NUMBER_LIST,
        OBJECT_LIST
    }

    record Field(String name, Kind kind, boolean required) {}

    private final String modelName;
    private final List<Field> fields;

    TriggerRequest(String modelName, Field... fields) {
        this.modelName = modelName;
        this.fields = List.of(fields);
    }

    private static Field field(String name, Kind kind, boolean required) {
        return new Field(name, kind, required);
    }

    /**
     * Returns the model's fields of a request, coerced, in model order; fields of other names are dropped.
     *
     * @throws ApiException 400 listing every invalid or missing field
     */
    Map<String, Object> validate(Map<String, ?> body) {
        Map<String, Object> valid = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Field field : fields) {
            Object value = body.get(field.name());
            if (value == null) {
                if (field.required()) {
                    errors.add(field.name() + "\n  field required (type=value_error.missing)");
                }
                continue;
            }
            try {
                valid.put(field.name(), coerce(field, value));
            } catch (IllegalArgumentException e) {
                errors.add(field.name() + "\n  " + e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("ValidationError: " + errors.size() + " validation error"
                    + (errors.size() == 1 ? "" : "s") + " for " + modelName + "\n" + String.join("\n", errors));
        }
        return valid;
    }

    private static Object coerce(Field field, Object value) {
        return switch (field.kind()) {
            case STRING -> string(value);
            case NUMBER -> number(value);
            case NUMBER_LIST -> {
                List<Object> numbers = new ArrayList<>();
                for (Object item : list(value)) {
                    numbers.add(number(item));
                }
                yield numbers;
            }
            case OBJECT_LIST -> {
                for (Object item : list(value)) {
                    if (!(item instanceof Map<?, ?>)) {
                        throw new IllegalArgumentException(
                                "value is not a valid dict (type=type_error.dict); send a list of objects");
                    }
                }
                yield value;
            }
        };
    }

    private static String string(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Double number) {
            return PythonFloats.repr(number);
        }
        if (value instanceof Number && !(value instanceof Boolean)) {
            return value.toString();
        }
        throw new IllegalArgumentException("str type expected (type=type_error.str)");
    }

    private static Double number(Object value) {
        if (value instanceof Number number && !(value instanceof Boolean)) {
            return number.doubleValue();
        }
        if (value instanceof String text) {
            try {
                return Double.valueOf(text.trim());
            } catch (NumberFormatException e) {
                // Reported below.
            }
        }
        throw new IllegalArgumentException("value is not a valid float (type=type_error.float)");
    }

    private static List<?> list(Object value) {
        if (value instanceof List<?> list) {
            return list;
        }
        throw new IllegalArgumentException("value is not a valid list (type=type_error.list)");
    }
}
