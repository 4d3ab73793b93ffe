package org.kowalski.common.filter;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.bson.Document;

/**
 * Turns a filter's {@code auto_followup} settings and the output of its follow-up pipeline into the
 * follow-up request that SkyPortal receives, with the original's rules:
 *
 * <ul>
 *   <li>the priority key is {@code urgency} or {@code Urgency} when the payload has one, else
 *       {@code priority}. Its value becomes a float; a missing value is 5 for {@code priority_order: desc}
 *       and 0 otherwise;
 *   <li>the pipeline output's {@code comment} (a string) replaces the filter's comment, and the keys of its
 *       {@code payload} that the filter's payload already has replace those values;
 *   <li>unless the key is urgency, the request is valid from now for {@code validity_days} (default 7);
 *   <li>the comment gets the priority appended, as in {@code "Saved by X (priority: 3.0)"};
 *   <li>the request goes to the filter's group and {@code target_group_ids}, within {@code radius} arcsec
 *       (default 0.5), and SkyPortal skips it when the object is classified, has spectra, is classified on
 *       TNS or has a duplicate request.
 * </ul>
 *
 * <p>Unlike the original, settings that fail validation skip only the follow-up, never the passed filter,
 * and the validated radius and validity are the values sent.
 */
public final class AutoFollowupRules {

    /** The date format of {@code start_date} and {@code end_date}: UTC, microseconds, no zone suffix. */
    public static final DateTimeFormatter DATE_FORMAT = DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd'T'HH:mm:ss.SSSSSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    static final double DEFAULT_RADIUS_ARCSEC = 0.5;
    static final double DEFAULT_VALIDITY_DAYS = 7;

    private AutoFollowupRules() {}

    /**
     * The validated {@code auto_followup} settings of a filter.
     *
     * @param priorityAlias the payload key of the priority: {@code priority}, {@code urgency} or {@code Urgency}
     * @param priority the priority from the payload, or the default for the order
     * @param radiusArcsec the match radius of the request in arcsec
     */
    public record Settings(
            Object allocationId,
            Document payload,
            String comment,
            String priorityOrder,
            String priorityAlias,
            double priority,
            double radiusArcsec,
            double validityDays,
            boolean implementsUpdate,
            List<Object> targetGroupIds,
            List<Object> ignoreAllocationIds,
            Object notIfTnsReported) {}

    /**
     * Validates the {@code auto_followup} document of a filter.
     *
     * @throws InvalidFilterException naming the setting and the fix when it cannot be used
     */
    public static Settings settings(Document autoFollowup, int filterId) {
        Object allocationId = autoFollowup.get("allocation_id");
        if (allocationId == null) {
            throw new InvalidFilterException(
                    "Filter " + filterId + " auto_followup has no allocation_id: set the SkyPortal allocation id");
        }
        if (!(autoFollowup.get("payload") instanceof Document payload)) {
            throw new InvalidFilterException("Filter " + filterId + " auto_followup has the payload "
                    + autoFollowup.get("payload") + ": set a payload object, such as {\"priority\": 3}");
        }
        String order = autoFollowup.get("priority_order") instanceof String text ? text : "asc";
        String alias =
                payload.containsKey("urgency") ? "urgency" : payload.containsKey("Urgency") ? "Urgency" : "priority";
        double priority = priority(payload.get(alias), order, alias, filterId);
        double radius = positiveNumber(autoFollowup.get("radius"), DEFAULT_RADIUS_ARCSEC, "radius", filterId);
        double validity =
                positiveNumber(autoFollowup.get("validity_days"), DEFAULT_VALIDITY_DAYS, "validity_days", filterId);
        Object comment = autoFollowup.get("comment");
        return new Settings(
                allocationId,
                payload,
                comment instanceof String text ? text : null,
                order,
                alias,
                priority,
                radius,
                validity,
                !Boolean.FALSE.equals(autoFollowup.get("implements_update")),
                listOrEmpty(autoFollowup.get("target_group_ids")),
                listOrEmpty(autoFollowup.get("ignore_allocation_ids")),
                autoFollowup.get("not_if_tns_reported"));
    }

    /**
     * Builds the {@code auto_followup} entry of a passed filter.
     *
     * @param output the single document the follow-up pipeline returned
     * @param autosave the resolved autosave of the passed filter; its {@code ignore_group_ids} become the
     *     request's {@code ignore_source_group_ids} when it is a document
     * @param now the time the validity window starts
     */
    public static Document request(
            Settings settings, int groupId, String objectId, Document output, Object autosave, Instant now) {
        String comment = settings.comment();
        if (output.get("comment") instanceof String text) {
            comment = text;
        }

        Document payload = (Document) FilterPipelines.deepCopy(settings.payload());
        payload.put(settings.priorityAlias(), settings.priority());
        if (output.get("payload") instanceof Document overrides) {
            for (String key : overrides.keySet()) {
                if (payload.containsKey(key)) {
                    payload.put(key, overrides.get(key));
                }
            }
        }
        if (!settings.priorityAlias().equalsIgnoreCase("urgency")) {
            payload.put("start_date", DATE_FORMAT.format(now));
            long validityMicros = Math.round(settings.validityDays() * 86_400_000_000.0);
            payload.put("end_date", DATE_FORMAT.format(now.plusNanos(validityMicros * 1000)));
        }
        if (comment != null) {
            comment = comment.strip() + " (" + settings.priorityAlias() + ": "
                    + pythonText(payload.get(settings.priorityAlias())) + ")";
        }

        List<Object> targetGroups = new ArrayList<>();
        targetGroups.add(groupId);
        targetGroups.addAll(settings.targetGroupIds());
        Document data = new Document("obj_id", objectId)
                .append("allocation_id", settings.allocationId())
                .append("target_group_ids", unique(targetGroups))
                .append("ignore_allocation_ids", unique(settings.ignoreAllocationIds()))
                .append("payload", payload)
                .append("source_group_ids", List.of(groupId))
                .append("not_if_classified", true)
                .append("not_if_spectra_exist", true)
                .append("not_if_tns_classified", true)
                .append("not_if_duplicates", true)
                .append("radius", settings.radiusArcsec());
        if (settings.notIfTnsReported() != null) {
            data.append("not_if_tns_reported", settings.notIfTnsReported());
        }
        if (autosave instanceof Document autosaveDocument) {
            data.append("ignore_source_group_ids", listOrEmpty(autosaveDocument.get("ignore_group_ids")));
        }

        return new Document("allocation_id", settings.allocationId())
                .append("comment", comment)
                .append("priority_order", settings.priorityOrder())
                .append("priority_alias", settings.priorityAlias())
                .append("implements_update", settings.implementsUpdate())
                .append("data", data);
    }

    private static double priority(Object value, String order, String alias, int filterId) {
        if (value == null) {
            return "desc".equals(order) ? 5 : 0;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value instanceof String text) {
            try {
                return Double.parseDouble(text.strip());
            } catch (NumberFormatException e) {
                // Reported below with the other invalid values.
            }
        }
        throw new InvalidFilterException("Filter " + filterId + " auto_followup payload." + alias + " is " + value
                + ": use a number, such as 3");
    }

    private static double positiveNumber(Object value, double fallback, String key, int filterId) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number number && number.doubleValue() > 0) {
            return number.doubleValue();
        }
        throw new InvalidFilterException(
                "Filter " + filterId + " auto_followup " + key + " is " + value + ": use a positive number");
    }

    private static List<Object> listOrEmpty(Object value) {
        return value instanceof List<?> list ? new ArrayList<>(list) : new ArrayList<>();
    }

    private static List<Object> unique(List<Object> values) {
        return new ArrayList<>(new LinkedHashSet<>(values));
    }

    /** Formats a number as Python's {@code str} does for the common cases: 3 as "3", 3.0 as "3.0". */
    static String pythonText(Object value) {
        if (value instanceof Double number && !number.isInfinite() && !number.isNaN()) {
            if (number == Math.rint(number) && Math.abs(number) < 1e16) {
                return String.format(Locale.ROOT, "%.1f", number);
            }
            return Double.toString(number);
        }
        return String.valueOf(value);
    }
}
