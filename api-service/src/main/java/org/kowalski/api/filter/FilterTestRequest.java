package org.kowalski.api.filter;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.kowalski.api.web.ApiException;

/**
 * A validated {@code POST /api/filters/{id}/test} body: which version to run, on which objects and/or in
 * which Julian Date window, and with which time limit.
 *
 * @param filterVersion the fid to run, or null for the active version
 * @param objectIds object ids to select, empty for none
 * @param startJd start of the window as a Julian Date (UTC), or null
 * @param endJd end of the window as a Julian Date (UTC), or null
 * @param maxTimeMs time limit of the run in milliseconds
 */
record FilterTestRequest(String filterVersion, List<String> objectIds, Double startJd, Double endJd, long maxTimeMs) {

    static final int MAX_OBJECT_IDS = 1000;
    static final long DEFAULT_MAX_TIME_MS = 30_000;
    static final long MAX_TIME_LIMIT_MS = 300_000;

    /** Julian Date of the Unix epoch, 1970-01-01T00:00:00 UTC. */
    private static final double UNIX_EPOCH_JD = 2440587.5;

    static FilterTestRequest parse(Document body) {
        List<String> objectIds = objectIds(body.get("object_ids"));
        Object start = body.get("start_date");
        Object end = body.get("end_date");
        if (objectIds.isEmpty() && start == null && end == null) {
            throw ApiException.badRequest("At least one of object_ids, start_date, or end_date is required");
        }
        if ((start == null) != (end == null)) {
            throw ApiException.badRequest("start_date and end_date must both be provided if either is provided");
        }
        Double startJd = start == null ? null : julianDate(start, "start_date");
        Double endJd = end == null ? null : julianDate(end, "end_date");
        if (startJd != null && endJd < startJd) {
            throw ApiException.badRequest("end_date must not be before start_date: got JD " + startJd + " to " + endJd);
        }
        if (objectIds.isEmpty() && endJd - startJd > 1) {
            throw ApiException.badRequest(
                    "start_date and end_date must be within 1 day of each other if object_ids is not provided");
        }
        long maxTimeMs = maxTimeMs(body.get("max_time_ms"));
        Object version = body.get("filter_version");
        if (version != null && !(version instanceof String)) {
            throw ApiException.badRequest(
                    "Invalid filter_version " + version + ": send the fid of a version as a string");
        }
        return new FilterTestRequest((String) version, objectIds, startJd, endJd, maxTimeMs);
    }

    /** Returns the version to run: the requested fid, or the active one. */
    Document chooseVersion(Document filter, String filterId) {
        List<Document> versions = filter.getList("fv", Document.class, List.of());
        if (versions.isEmpty()) {
            throw ApiException.badRequest("Filter id " + filterId + " has no versions");
        }
        String wanted = filterVersion != null ? filterVersion : filter.getString("active_fid");
        for (Document version : versions) {
            if (version.getString("fid").equals(wanted)) {
                return version;
            }
        }
        if (filterVersion != null) {
            throw ApiException.badRequest("Filter version " + filterVersion + " not found");
        }
        return versions.get(versions.size() - 1);
    }

    private static List<String> objectIds(Object value) {
        List<String> ids = new ArrayList<>();
        if (value == null) {
            return ids;
        }
        if (!(value instanceof List<?> list)) {
            throw ApiException.badRequest("object_ids must be a list if provided");
        }
        if (list.size() > MAX_OBJECT_IDS) {
            throw ApiException.badRequest("object_ids list must have " + MAX_OBJECT_IDS + " or fewer elements");
        }
        for (Object item : list) {
            if (!(item instanceof String id)) {
                throw ApiException.badRequest(
                        "Invalid object id " + item + " in object_ids: send strings such as ZTF17aadcvhq");
            }
            ids.add(id);
        }
        return ids;
    }

    /** Returns a Julian Date from a number (already a JD) or an ISO date or date-time string in UTC. */
    private static double julianDate(Object value, String field) {
        if (value instanceof Number number && !(value instanceof Boolean)) {
            return number.doubleValue();
        }
        if (value instanceof String text) {
            String iso = text.trim().replace(' ', 'T');
            if (iso.endsWith("Z")) {
                iso = iso.substring(0, iso.length() - 1);
            }
            try {
                LocalDateTime time = iso.contains("T")
                        ? LocalDateTime.parse(iso)
                        : LocalDate.parse(iso).atStartOfDay();
                double seconds = time.toEpochSecond(ZoneOffset.UTC) + time.getNano() / 1e9;
                return seconds / 86400 + UNIX_EPOCH_JD;
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest(field + " '" + text + "' is not a date: send a Julian Date or an ISO"
                        + " date such as 2023-10-12T10:24:45");
            }
        }
        throw ApiException.badRequest(field + " must be a float or a string");
    }

    private static long maxTimeMs(Object value) {
        if (value == null) {
            return DEFAULT_MAX_TIME_MS;
        }
        if (!(value instanceof Integer || value instanceof Long)) {
            throw ApiException.badRequest("max_time_ms must be an integer number of milliseconds, not " + value);
        }
        long milliseconds = ((Number) value).longValue();
        if (milliseconds > MAX_TIME_LIMIT_MS) {
            throw ApiException.badRequest("max_time_ms must be less than 5 minutes (in ms: " + MAX_TIME_LIMIT_MS + ")");
        }
        if (milliseconds < 1) {
            throw ApiException.badRequest("max_time_ms must be at least 1, not " + milliseconds);
        }
        return milliseconds;
    }
}
