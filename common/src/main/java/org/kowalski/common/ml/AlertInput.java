package org.kowalski.common.ml;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.types.Binary;

/**
 * The model inputs of one ZTF alert, independent of how the broker stores alerts.
 *
 * <p>Map values are the decoded Avro values or their BSON equivalents: numbers as any {@link Number},
 * absent values as {@code null} or missing keys. An {@code org.bson.Document} can be passed as it is.
 *
 * @param objectId the ZTF object id, used in log lines
 * @param candidate the alert's {@code candidate} record
 * @param history earlier detections and non-detections of the object (the alert's {@code prv_candidates}),
 *     each with at least {@code jd} and {@code magpsf}; may be empty
 * @param cutoutScience the {@code stampData} bytes of {@code cutoutScience} (gzipped FITS)
 * @param cutoutTemplate the {@code stampData} bytes of {@code cutoutTemplate}
 * @param cutoutDifference the {@code stampData} bytes of {@code cutoutDifference}
 */
public record AlertInput(
        String objectId,
        Map<String, ?> candidate,
        List<? extends Map<String, ?>> history,
        byte[] cutoutScience,
        byte[] cutoutTemplate,
        byte[] cutoutDifference) {

    public AlertInput {
        if (candidate == null) {
            throw new IllegalArgumentException("candidate is null for object " + objectId);
        }
        history = history == null ? List.of() : history;
    }

    /**
     * Builds the input from a decoded ZTF alert as a map (an {@code org.bson.Document} or the maps of a
     * decoded Avro record): {@code objectId}, {@code candidate}, {@code prv_candidates} and the three
     * {@code cutoutX.stampData} values, which may be {@code byte[]}, {@link ByteBuffer} or BSON
     * {@link Binary}.
     *
     * @param alert the alert, with the history the broker uses as {@code prv_candidates}
     * @throws IllegalArgumentException when {@code candidate} is missing or a cutout has another type
     */
    @SuppressWarnings("unchecked")
    public static AlertInput fromZtfAlert(Map<String, ?> alert) {
        Object candidate = alert.get("candidate");
        if (!(candidate instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("alert " + alert.get("objectId") + " has no candidate record");
        }
        List<Map<String, ?>> history = new ArrayList<>();
        if (alert.get("prv_candidates") instanceof List<?> previous) {
            for (Object entry : previous) {
                if (entry instanceof Map<?, ?> map) {
                    history.add((Map<String, ?>) map);
                }
            }
        }
        Object objectId = alert.get("objectId");
        return new AlertInput(
                objectId == null ? null : objectId.toString(),
                (Map<String, ?>) candidate,
                history,
                stampData(alert, "cutoutScience"),
                stampData(alert, "cutoutTemplate"),
                stampData(alert, "cutoutDifference"));
    }

    private static byte[] stampData(Map<String, ?> alert, String field) {
        Object cutout = alert.get(field);
        Object data = cutout instanceof Map<?, ?> map ? map.get("stampData") : cutout;
        if (data == null || data instanceof byte[]) {
            return (byte[]) data;
        }
        if (data instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }
        if (data instanceof Binary binary) {
            return binary.getData();
        }
        throw new IllegalArgumentException(field + ".stampData of alert " + alert.get("objectId") + " is a "
                + data.getClass().getName() + ": expected byte[], ByteBuffer or BSON Binary");
    }

    /** Returns the candidate id, or {@code null} when the candidate has none. */
    public Object candid() {
        return candidate.get("candid");
    }

    @Override
    public String toString() {
        return "AlertInput[objectId=" + objectId + ", candid=" + candid() + "]";
    }
}
