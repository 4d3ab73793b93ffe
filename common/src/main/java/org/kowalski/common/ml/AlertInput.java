package org.kowalski.common.ml;

import java.util.List;
import java.util.Map;

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

    /** Returns the candidate id, or {@code null} when the candidate has none. */
    public Object candid() {
        return candidate.get("candid");
    }

    @Override
    public String toString() {
        return "AlertInput[objectId=" + objectId + ", candid=" + candid() + "]";
    }
}
