package org.kowalski.common.skyportal;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules that keep at most one live follow-up request per allocation, target groups and equivalent
 * payload, holding the best priority seen: which existing requests count, when two payloads are the same
 * request, and when a priority is better.
 */
public final class FollowupRequests {

    /** A failed request younger than this still blocks a new one (so a failure waits for the next night). */
    public static final Duration FAILED_REQUEST_BLOCKS_FOR = Duration.ofHours(12);

    /** Payload keys that do not make two requests different. */
    public static final Set<String> IGNORED_PAYLOAD_KEYS =
            Set.of("priority", "urgency", "Urgency", "start_date", "end_date", "advanced", "observation_choices");

    private static final DateTimeFormatter MODIFIED_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSSSSS][.SSS]");

    private FollowupRequests() {}

    /**
     * Returns the existing requests that count: status containing complete, submitted, deleted or failed,
     * without failed ones last modified more than 12 hours before {@code nowUtc}. When a date cannot be
     * read, every failed request is kept.
     */
    public static List<Map<String, Object>> relevant(List<Map<String, Object>> requests, LocalDateTime nowUtc) {
        List<Map<String, Object>> kept = new ArrayList<>();
        for (Map<String, Object> request : requests) {
            String status = String.valueOf(request.get("status"));
            if (status.contains("complete")
                    || status.contains("submitted")
                    || status.contains("deleted")
                    || status.contains("failed")) {
                kept.add(request);
            }
        }
        try {
            List<Map<String, Object>> recent = new ArrayList<>();
            for (Map<String, Object> request : kept) {
                if (String.valueOf(request.get("status")).contains("failed")) {
                    LocalDateTime modified =
                            LocalDateTime.parse(String.valueOf(request.get("modified")), MODIFIED_FORMAT);
                    if (Duration.between(modified, nowUtc).compareTo(FAILED_REQUEST_BLOCKS_FOR) > 0) {
                        continue;
                    }
                }
                recent.add(request);
            }
            return recent;
        } catch (DateTimeParseException e) {
            return kept;
        }
    }

    /** Returns the current UTC time as a local date-time, the form SkyPortal's {@code modified} has. */
    public static LocalDateTime nowUtc() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }

    /**
     * Returns whether an existing request is the same request as a new one: the same allocation, target
     * groups that overlap (or both empty), and a payload that {@link #payloadMatches} the existing one.
     */
    public static boolean sameRequest(
            Object allocationId, List<?> targetGroupIds, Map<String, Object> payload, Map<String, Object> existing) {
        if (!numericEquals(allocationId, existing.get("allocation_id"))) {
            return false;
        }
        Set<Long> wanted = ids(targetGroupIds);
        Set<Long> present = new HashSet<>();
        if (existing.get("target_groups") instanceof List<?> groups) {
            for (Object group : groups) {
                if (group instanceof Map<?, ?> map && map.get("id") instanceof Number id) {
                    present.add(id.longValue());
                }
            }
        }
        boolean overlap =
                wanted.isEmpty() && present.isEmpty() || wanted.stream().anyMatch(present::contains);
        return overlap
                && existing.get("payload") instanceof Map<?, ?> existingPayload
                && payloadMatches(payload, asMap(existingPayload), IGNORED_PAYLOAD_KEYS);
    }

    /**
     * Returns whether every key of {@code wanted}, except the ignored ones, is in {@code existing} with an
     * equal value: nested objects compare recursively, every element of a list must be in the other list,
     * and {@code observation_type} compares the SEDM observation modes it stands for ("IFU", "3-shot" as
     * g, r, i, "4-shot" as u, g, r, i, and "Mix 'n Match" as the {@code observation_choices}), which must be
     * a subset of the existing ones.
     */
    public static boolean payloadMatches(
            Map<String, Object> wanted, Map<String, Object> existing, Set<String> ignored) {
        for (Map.Entry<String, Object> entry : wanted.entrySet()) {
            String key = entry.getKey();
            if (ignored.contains(key)) {
                continue;
            }
            if (!existing.containsKey(key)) {
                return false;
            }
            Object value = entry.getValue();
            Object other = existing.get(key);
            if (key.equals("observation_type")) {
                if (!sedmModes(value, wanted).stream().allMatch(sedmModes(other, existing)::contains)) {
                    return false;
                }
            } else if (value instanceof Map<?, ?> nested) {
                if (!(other instanceof Map<?, ?> otherNested)
                        || !payloadMatches(asMap(nested), asMap(otherNested), ignored)) {
                    return false;
                }
            } else if (value instanceof List<?> list) {
                if (!(other instanceof List<?> otherList)) {
                    return false;
                }
                for (Object item : list) {
                    if (otherList.stream().noneMatch(candidate -> valueEquals(item, candidate))) {
                        return false;
                    }
                }
            } else if (!valueEquals(value, other)) {
                return false;
            }
        }
        return true;
    }

    /** Returns whether a new priority replaces an existing one: higher for {@code asc}, lower for {@code desc}. */
    public static boolean priorityShouldUpdate(double existing, double candidate, String order) {
        return "desc".equals(order) ? candidate < existing : candidate > existing;
    }

    /**
     * Returns the matching request that the original compares against: the first after sorting by
     * priority, descending for {@code desc} and ascending otherwise. Stable for equal priorities.
     */
    public static Map<String, Object> first(List<Map<String, Object>> matches, String alias, String order) {
        Comparator<Map<String, Object>> byPriority = Comparator.comparingDouble(request -> priorityOf(request, alias));
        List<Map<String, Object>> sorted = new ArrayList<>(matches);
        sorted.sort("desc".equals(order) ? byPriority.reversed() : byPriority);
        return sorted.isEmpty() ? null : sorted.get(0);
    }

    /** Returns a request's priority under {@code alias}, or NaN when it has none. */
    public static double priorityOf(Map<String, Object> request, String alias) {
        if (request.get("payload") instanceof Map<?, ?> payload && payload.get(alias) instanceof Number number) {
            return number.doubleValue();
        }
        if (request.get("payload") instanceof Map<?, ?> payload && payload.get(alias) instanceof String text) {
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    private static Set<String> sedmModes(Object observationType, Map<String, Object> payload) {
        Set<String> modes = new LinkedHashSet<>();
        String text = String.valueOf(observationType);
        if (text.equals("Mix 'n Match")) {
            if (payload.get("observation_choices") instanceof List<?> choices) {
                choices.forEach(choice -> modes.add(String.valueOf(choice)));
            }
            return modes;
        }
        if (text.contains("IFU")) {
            modes.add("IFU");
        }
        if (text.contains("3-shot")) {
            modes.addAll(List.of("g", "r", "i"));
        }
        if (text.contains("4-shot")) {
            modes.addAll(List.of("u", "g", "r", "i"));
        }
        return modes;
    }

    private static boolean valueEquals(Object a, Object b) {
        if (a instanceof Number || b instanceof Number) {
            return numericEquals(a, b);
        }
        return a == null ? b == null : a.equals(b);
    }

    private static boolean numericEquals(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return a == null ? b == null : a.equals(b);
    }

    private static Set<Long> ids(List<?> values) {
        Set<Long> ids = new HashSet<>();
        if (values != null) {
            for (Object value : values) {
                if (value instanceof Number number) {
                    ids.add(number.longValue());
                }
            }
        }
        return ids;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
