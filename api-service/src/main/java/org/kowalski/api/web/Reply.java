package org.kowalski.api.web;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON reply body with top-level keys in order. The usual envelope is
 * {@code {"status": "success" | "error", "message": ..., "data": ...}} with {@code data} left out when
 * it is null, as the Python original does. {@link ReplyWriter} writes it as relaxed Extended JSON
 * ({@link ExtendedJson}), so {@code data} may hold any value the MongoDB driver returns.
 */
@Schema(
        name = "Reply",
        description = "Reply envelope: status, message and, when there is a result, data in relaxed"
                + " MongoDB Extended JSON ($oid, $date, $numberDouble for NaN and infinities, $binary;"
                + " 64-bit integers written exactly)")
public final class Reply {

    private final Map<String, Object> body;

    private Reply(Map<String, Object> body) {
        this.body = body;
    }

    /** Returns {@code {"status": "success", "message": message}}. */
    public static Reply success(String message) {
        return success(message, null);
    }

    /** Returns {@code {"status": "success", "message": message, "data": data}}, without data when null. */
    public static Reply success(String message, Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "success");
        body.put("message", message);
        if (data != null) {
            body.put("data", data);
        }
        return new Reply(body);
    }

    /** Returns {@code {"status": "error", "message": message}}. */
    public static Reply error(String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        body.put("message", message);
        return new Reply(body);
    }

    /**
     * Returns a reply with exactly the given top-level keys, for the routes whose shape differs from the
     * envelope (the token of {@code /api/auth}, a skymap's {@code already_exists} status). Null values
     * are left out.
     */
    public static Reply of(Map<String, ?> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        fields.forEach((key, value) -> {
            if (value != null) {
                body.put(key, value);
            }
        });
        return new Reply(body);
    }

    @Schema(description = "success or error (a few routes use other values, such as already_exists)")
    public String getStatus() {
        Object status = body.get("status");
        return status == null ? null : status.toString();
    }

    @Schema(description = "what happened, or for errors what was wrong and how to fix it")
    public String getMessage() {
        Object message = body.get("message");
        return message == null ? null : message.toString();
    }

    @Schema(description = "the result, absent when there is none")
    public Object getData() {
        return body.get("data");
    }

    /** Returns the top-level keys and values in reply order. */
    public Map<String, Object> fields() {
        return Collections.unmodifiableMap(body);
    }

    /** Returns the reply as relaxed Extended JSON text. */
    public String toJson() {
        return ExtendedJson.write(body);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
