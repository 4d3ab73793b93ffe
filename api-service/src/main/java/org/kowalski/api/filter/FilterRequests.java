package org.kowalski.api.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.kowalski.api.web.ApiException;
import org.kowalski.api.web.ExtendedJson;
import org.kowalski.api.web.PythonTypes;

/**
 * Checks and coerces the fields of filter requests as the Python original's pydantic models do (integers
 * from numeric strings, booleans from 0/1 and "true"/"false"), and reports errors in pydantic's layout:
 * {@code ValidationError: 1 validation error for Filter\n<field>\n  <problem>}.
 */
final class FilterRequests {

    /** Keys an {@code autosave} object may have. */
    static final Set<String> AUTOSAVE_KEYS = Set.of("active", "comment", "ignore_group_ids", "pipeline", "saver_id");

    /** Keys an {@code auto_followup} object may have. */
    static final Set<String> AUTO_FOLLOWUP_KEYS = Set.of(
            "active",
            "comment",
            "pipeline",
            "allocation_id",
            "payload",
            "target_group_ids",
            "ignore_allocation_ids",
            "not_if_tns_reported",
            "radius",
            "validity_days",
            "priority_order",
            "implements_update");

    private FilterRequests() {}

    /** A validated {@code POST /api/filters} body. */
    record NewFilter(
            int filterId,
            int groupId,
            String catalog,
            List<Integer> permissions,
            boolean active,
            Object autosave,
            Document autoFollowup,
            boolean updateAnnotations,
            Object pipeline) {}

    /** Collects the errors of one model, to report them together. */
    static final class Errors {
        private final String model;
        private final List<String> lines = new ArrayList<>();

        Errors(String model) {
            this.model = model;
        }

        void add(String field, String problem) {
            lines.add(field + "\n  " + problem);
        }

        void throwIfAny() {
            if (!lines.isEmpty()) {
                throw ApiException.badRequest("ValidationError: " + lines.size() + " validation error"
                        + (lines.size() == 1 ? "" : "s") + " for " + model + "\n" + String.join("\n", lines));
            }
        }
    }

    /** Validates the body of {@code POST /api/filters}. */
    static NewFilter parseNewFilter(Document body) {
        Errors errors = new Errors("Filter");
        Integer filterId = positiveInt(body, "filter_id", errors);
        Integer groupId = positiveInt(body, "group_id", errors);
        String catalog = null;
        if (!(body.get("catalog") instanceof String text) || text.isBlank()) {
            errors.add(
                    "catalog",
                    body.get("catalog") == null
                            ? "field required (type=value_error.missing)"
                            : "str type expected (type=type_error.str); send a collection name such as ZTF_alerts");
        } else {
            catalog = text;
        }
        List<Integer> permissions = intList(body.get("permissions"), "permissions", errors);
        Boolean active = bool(body.get("active"), true, "active", errors);
        Boolean updateAnnotations = bool(body.get("update_annotations"), false, "update_annotations", errors);
        Object autosave = autosave(body.get("autosave"), errors);
        Document autoFollowup = new Document();
        Object followup = body.get("auto_followup");
        if (followup instanceof Map<?, ?> map) {
            map.forEach((key, value) -> autoFollowup.put(String.valueOf(key), value));
        } else if (followup != null) {
            errors.add("auto_followup", "value is not a valid dict (type=type_error.dict)");
        }
        errors.throwIfAny();
        return new NewFilter(
                filterId,
                groupId,
                catalog,
                permissions,
                active,
                autosave,
                autoFollowup,
                updateAnnotations,
                body.get("pipeline"));
    }

    /**
     * Returns the pipeline as the stored Extended-JSON text: a list is written with Python's
     * {@code json.dumps} layout, a string is kept as sent.
     *
     * @throws ApiException 400 for any other value
     */
    static String pipelineText(Object pipeline, String field) {
        if (pipeline instanceof String text) {
            return text;
        }
        if (pipeline instanceof List<?> list) {
            return ExtendedJson.write(list);
        }
        if (pipeline == null) {
            throw ApiException.badRequest("ValidationError: 1 validation error for FilterVersion\n" + field
                    + "\n  pipeline must contain at least one stage (type=value_error)");
        }
        throw ApiException.badRequest("ValidationError: 1 validation error for FilterVersion\n" + field
                + "\n  pipeline must be a list of stages or their JSON text, not a "
                + PythonTypes.jsonTypeName(pipeline) + " (type=type_error)");
    }

    /** Returns whether autosave is on: true, or an object whose {@code active} is true. */
    static boolean autosaveEnabled(Object autosave) {
        if (autosave instanceof Boolean flag) {
            return flag;
        }
        if (autosave instanceof Map<?, ?> map) {
            return Boolean.TRUE.equals(map.get("active"));
        }
        return false;
    }

    /** Returns the keys of an object that are not in the allowed set. */
    static List<String> unknownKeys(Map<?, ?> object, Set<String> allowed) {
        List<String> unknown = new ArrayList<>();
        object.keySet().forEach(key -> {
            if (!allowed.contains(String.valueOf(key))) {
                unknown.add(String.valueOf(key));
            }
        });
        return unknown;
    }

    /**
     * Returns an integer field, coerced from an integral number or a numeric string.
     *
     * @return {@code null} after recording an error
     */
    static Integer positiveInt(Document body, String field, Errors errors) {
        Object value = body.get(field);
        if (value == null) {
            errors.add(field, "field required (type=value_error.missing)");
            return null;
        }
        Integer number = toInt(value);
        if (number == null) {
            errors.add(field, "value is not a valid integer (type=type_error.integer)");
            return null;
        }
        if (number < 1) {
            errors.add(
                    field,
                    "ensure this value is greater than or equal to 1 (type=value_error.number.not_ge;"
                            + " limit_value=1)");
            return null;
        }
        return number;
    }

    /** Returns an integer from an integral number or numeric string, or {@code null}. */
    static Integer toInt(Object value) {
        if (value instanceof Integer number) {
            return number;
        }
        if (value instanceof Long number && number >= Integer.MIN_VALUE && number <= Integer.MAX_VALUE) {
            return number.intValue();
        }
        if (value instanceof Double number && number == Math.rint(number) && Math.abs(number) < 1e9) {
            return number.intValue();
        }
        if (value instanceof String text) {
            try {
                return Integer.valueOf(text.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static List<Integer> intList(Object value, String field, Errors errors) {
        List<Integer> result = new ArrayList<>();
        if (value == null) {
            return result;
        }
        if (!(value instanceof List<?> list)) {
            errors.add(field, "value is not a valid list (type=type_error.list); send program ids such as [1, 2]");
            return result;
        }
        for (int i = 0; i < list.size(); i++) {
            Integer number = toInt(list.get(i));
            if (number == null) {
                errors.add(field + " -> " + i, "value is not a valid integer (type=type_error.integer)");
            } else {
                result.add(number);
            }
        }
        return result;
    }

    static Boolean bool(Object value, boolean fallback, String field, Errors errors) {
        if (value == null) {
            return fallback;
        }
        Boolean flag = toBoolean(value);
        if (flag == null) {
            errors.add(field, "value could not be parsed to a boolean (type=type_error.bool)");
        }
        return flag;
    }

    /** Returns a boolean as pydantic v1 reads it (true/false, 0/1, "yes"/"no", ...), or {@code null}. */
    static Boolean toBoolean(Object value) {
        if (value instanceof Boolean flag) {
            return flag;
        }
        if (value instanceof Number number && (number.doubleValue() == 0 || number.doubleValue() == 1)) {
            return number.doubleValue() == 1;
        }
        if (value instanceof String text) {
            return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "1", "on", "t", "true", "y", "yes" -> true;
                case "0", "off", "f", "false", "n", "no" -> false;
                default -> null;
            };
        }
        return null;
    }

    private static Object autosave(Object value, Errors errors) {
        if (value == null) {
            return false;
        }
        if (value instanceof Map<?, ?> map) {
            Document object = new Document();
            map.forEach((key, item) -> object.put(String.valueOf(key), item));
            return object;
        }
        Boolean flag = toBoolean(value);
        if (flag == null) {
            errors.add("autosave", "value is not a valid boolean or dict (type=type_error)");
        }
        return flag;
    }
}
