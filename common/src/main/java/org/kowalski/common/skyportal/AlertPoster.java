package org.kowalski.common.skyportal;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.kowalski.common.filter.AutoFollowupRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Posts one alert's filter results to SkyPortal, the original's decision tree, from an outbox document.
 *
 * <p>The object is new to SkyPortal when neither {@code HEAD /api/candidates/<id>} nor {@code HEAD
 * /api/sources/<id>} finds it. A new object gets, when filters passed: the candidate, the annotations,
 * its full light curve (aux history, forced photometry, and the other stored alerts), three thumbnails,
 * and the autosave. A known object gets the candidate and annotation updates when filters passed, the
 * autosave to groups it is not saved to yet, and this alert's photometry whether or not a filter passed.
 * Then come the autosave comments and the follow-up requests.
 *
 * <p>Each step is recorded in the outbox document when it succeeds, and so is the branch, so a retry after
 * an outage resumes where the last attempt stopped and does not repeat a post recorded as done. A crash
 * between a post and its record can repeat that one post. A step that SkyPortal rejects is logged with the
 * ids and recorded as failed, and the other steps still run. A rejection is a reply other than success
 * with a status that is not retried. {@link SkyPortalUnavailableException} leaves the
 * job for a retry.
 *
 * <p>Unlike the original, the autosave of a new object sends {@code ignore_if_in_group_ids}, and the
 * autosave comments are only posted when the source was saved.
 */
public final class AlertPoster {

    private static final Logger log = LoggerFactory.getLogger(AlertPoster.class);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> THUMBNAIL_TYPES = List.of("new", "ref", "sub");

    private final SkyPortalClient client;
    private final SkyPortalDirectory directory;
    private final SurveyProfile profile;
    private final MongoCollection<Document> alerts;
    private final MongoCollection<Document> aux;
    private final MongoCollection<Document> outbox;
    private final ThumbnailRenderer thumbnails;
    private final Duration photometryTimeout;
    private final Duration followupTimeout;
    private final Clock clock;

    public AlertPoster(
            SkyPortalClient client,
            SkyPortalDirectory directory,
            SurveyProfile profile,
            MongoCollection<Document> alerts,
            MongoCollection<Document> aux,
            MongoCollection<Document> outbox,
            ThumbnailRenderer thumbnails,
            Duration photometryTimeout,
            Duration followupTimeout,
            Clock clock) {
        this.client = client;
        this.directory = directory;
        this.profile = profile;
        this.alerts = alerts;
        this.aux = aux;
        this.outbox = outbox;
        this.thumbnails = thumbnails;
        this.photometryTimeout = photometryTimeout;
        this.followupTimeout = followupTimeout;
        this.clock = clock;
    }

    /**
     * Runs the steps of an outbox document that have not succeeded yet.
     *
     * @throws SkyPortalUnavailableException when SkyPortal cannot be reached; the steps done so far stay
     *     recorded
     */
    public void post(Document job) {
        Progress progress = new Progress(job);
        String objectId = job.getString("object_id");
        long candid = ((Number) job.get("candid")).longValue();
        Document alert =
                block(Mono.from(alerts.find(Filters.eq("candid", candid)).first()));
        if (alert == null) {
            log.warn(
                    "{}: alert {} of {} is not in the store, so nothing is posted", profile.survey(), candid, objectId);
            return;
        }
        List<Document> passed = job.getList("passed_filters", Document.class, List.of());

        if (job.getString("branch") == null) {
            boolean isCandidate = client.head("/api/candidates/" + objectId).status() == 200;
            boolean isSource = client.head("/api/sources/" + objectId).status() == 200;
            progress.set("branch", isCandidate || isSource ? "known" : "new");
            progress.set("is_source", isSource);
        }
        boolean known = "known".equals(job.getString("branch"));

        if (!known) {
            if (passed.isEmpty()) {
                return;
            }
            postCandidate(progress, alert, passed);
            for (Document filter : passed) {
                Document annotations = filter.get("annotations", Document.class);
                if (annotations != null && !annotations.isEmpty()) {
                    postAnnotation(progress, objectId, filter, annotations, null);
                }
            }
            postPhotometry(progress, alert, fullLightCurve(alert));
            postThumbnails(progress, alert);
            autosave(progress, objectId, passed, autosaveGroups(passed));
        } else {
            if (!passed.isEmpty()) {
                postCandidate(progress, alert, passed);
                updateAnnotations(progress, objectId, passed);
            }
            autosaveKnown(progress, objectId, passed);
            postPhotometry(progress, alert, packetLightCurve(alert));
        }
        postAutosaveComments(progress, objectId, passed);
        postFollowups(progress, objectId, passed);
    }

    // ------------------------------------------------------------------ candidate and annotations

    private void postCandidate(Progress progress, Document alert, List<Document> passed) {
        progress.step("candidate", () -> {
            Document candidate = alert.get("candidate", Document.class);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", objectId(alert));
            body.put("ra", candidate.get("ra"));
            body.put("dec", candidate.get("dec"));
            body.put("score", candidate.containsKey("drb") ? candidate.get("drb") : candidate.get("rb"));
            body.put(
                    "filter_ids",
                    passed.stream().map(filter -> filter.get("filter_id")).toList());
            body.put("passing_alert_id", alert.get("candid"));
            Instant passedAt = passed.stream()
                    .map(filter -> filter.getDate("passed_at").toInstant())
                    .min(Comparator.naturalOrder())
                    .orElse(clock.instant());
            body.put("passed_at", AutoFollowupRules.DATE_FORMAT.format(passedAt));
            body.put("origin", "Kowalski");
            return client.post("/api/candidates", JsonValues.plainMap(body));
        });
    }

    private void updateAnnotations(Progress progress, String objectId, List<Document> passed) {
        boolean pending =
                passed.stream().anyMatch(filter -> !progress.finished("annotation:" + filter.get("filter_id")));
        if (!pending) {
            return;
        }
        SkyPortalClient.Reply reply = client.get("/api/sources/" + objectId + "/annotations", Map.of());
        Map<String, Map<?, ?>> byOrigin = new HashMap<>();
        if (reply.success() && reply.data() instanceof List<?> existing) {
            for (Object item : existing) {
                if (item instanceof Map<?, ?> annotation) {
                    byOrigin.put(String.valueOf(annotation.get("origin")), annotation);
                }
            }
        } else {
            log.warn("{}: getting the annotations of {} failed: {}", profile.survey(), objectId, reply.describe());
        }
        for (Document filter : passed) {
            Document annotations = filter.get("annotations", Document.class);
            if (annotations == null || annotations.isEmpty()) {
                continue;
            }
            String origin = directory.annotationOrigin(filter.getInteger("group_id"), filter.getInteger("filter_id"));
            Map<?, ?> existing = origin == null ? null : byOrigin.get(origin);
            if (existing == null) {
                postAnnotation(progress, objectId, filter, annotations, origin);
            } else if (Boolean.TRUE.equals(filter.get("update_annotations"))) {
                progress.step("annotation:" + filter.get("filter_id"), () -> {
                    Map<String, Object> body = annotationBody(objectId, filter, annotations, origin);
                    body.put("author_id", existing.get("author_id"));
                    return client.put("/api/sources/" + objectId + "/annotations/" + existing.get("id"), body);
                });
            }
        }
    }

    private void postAnnotation(
            Progress progress, String objectId, Document filter, Document annotations, String knownOrigin) {
        progress.step("annotation:" + filter.get("filter_id"), () -> {
            String origin = knownOrigin != null
                    ? knownOrigin
                    : directory.annotationOrigin(filter.getInteger("group_id"), filter.getInteger("filter_id"));
            if (origin == null) {
                return null;
            }
            return client.post(
                    "/api/sources/" + objectId + "/annotations", annotationBody(objectId, filter, annotations, origin));
        });
    }

    private static Map<String, Object> annotationBody(
            String objectId, Document filter, Document annotations, String origin) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("obj_id", objectId);
        body.put("origin", origin);
        body.put("data", JsonValues.plain(annotations));
        body.put("group_ids", List.of(filter.get("group_id")));
        return body;
    }

    // ------------------------------------------------------------------ photometry

    /** Returns the aux history and forced photometry plus the other stored alerts of the object. */
    private List<Photometry.Row> fullLightCurve(Document alert) {
        String objectId = objectId(alert);
        Document auxDocument = block(Mono.from(aux.find(Filters.eq("_id", objectId))
                .projection(Projections.include("prv_candidates", "fp_hists"))
                .first()));
        List<Document> history = new ArrayList<>(
                auxDocument == null ? List.of() : auxDocument.getList("prv_candidates", Document.class, List.of()));
        Set<List<Object>> present = new HashSet<>();
        for (Document entry : history) {
            present.add(jdFid(entry));
        }
        List<Document> others = block(Flux.from(alerts.find(Filters.eq(profile.objectIdField(), objectId))
                        .projection(Projections.include("candid", "candidate")))
                .collectList());
        for (Document other : others == null ? List.<Document>of() : others) {
            if (other.get("candid").equals(alert.get("candid"))) {
                continue;
            }
            Document candidate = other.get("candidate", Document.class);
            if (candidate != null && present.add(jdFid(candidate))) {
                history.add(candidate);
            }
        }
        List<Photometry.Row> rows =
                new ArrayList<>(Photometry.alertRows(profile, alert.get("candidate", Document.class), history));
        if (profile.forcedPhotometry() && auxDocument != null) {
            rows.addAll(Photometry.forcedRows(profile, auxDocument.getList("fp_hists", Document.class, List.of())));
        }
        return rows;
    }

    /** Returns this alert's rows: the candidate and the object's history in the span of an alert packet. */
    private List<Photometry.Row> packetLightCurve(Document alert) {
        Document candidate = alert.get("candidate", Document.class);
        double jd = ((Number) candidate.get("jd")).doubleValue();
        Document auxDocument = block(Mono.from(aux.find(Filters.eq("_id", objectId(alert)))
                .projection(Projections.include("prv_candidates", "fp_hists"))
                .first()));
        List<Document> history = new ArrayList<>();
        List<Document> forced = new ArrayList<>();
        if (auxDocument != null) {
            for (Document entry : auxDocument.getList("prv_candidates", Document.class, List.of())) {
                if (inPacket(entry, jd)) {
                    history.add(entry);
                }
            }
            for (Document entry : auxDocument.getList("fp_hists", Document.class, List.of())) {
                if (inPacket(entry, jd)) {
                    forced.add(entry);
                }
            }
        }
        List<Photometry.Row> rows = new ArrayList<>(Photometry.alertRows(profile, candidate, history));
        if (profile.forcedPhotometry()) {
            rows.addAll(Photometry.forcedRows(profile, forced));
        }
        return rows;
    }

    private boolean inPacket(Document entry, double alertJd) {
        if (!(entry.get("jd") instanceof Number jd)) {
            return false;
        }
        Double span = profile.packetHistoryDays();
        return jd.doubleValue() <= alertJd && (span == null || jd.doubleValue() >= alertJd - span);
    }

    private static List<Object> jdFid(Document entry) {
        List<Object> key = new ArrayList<>(2);
        key.add(entry.get("jd") instanceof Number jd ? jd.doubleValue() : null);
        key.add(entry.get("fid") instanceof Number fid ? fid.intValue() : null);
        return key;
    }

    private void postPhotometry(Progress progress, Document alert, List<Photometry.Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        String objectId = objectId(alert);
        long instrumentId = directory.instrumentId();
        Map<Integer, Long> streamIds = directory.streamIds();
        if (!profile.streamNamesByProgramId().isEmpty()) {
            Set<Integer> unknown = Photometry.unmappedProgramIds(rows, streamIds);
            if (!unknown.isEmpty()) {
                log.warn(
                        "{}: photometry rows of {} (candid {}) with program ids {} have no stream and are not posted",
                        profile.survey(),
                        objectId,
                        alert.get("candid"),
                        unknown);
            }
        }
        for (Photometry.Put put : Photometry.puts(profile, objectId, instrumentId, streamIds, rows)) {
            progress.step(
                    "photometry:" + put.part() + ":" + put.streamId(),
                    () -> client.put(
                            "/api/photometry" + (put.query().isEmpty() ? "" : "?" + put.query()),
                            put.body(),
                            photometryTimeout));
        }
    }

    // ------------------------------------------------------------------ thumbnails

    private void postThumbnails(Progress progress, Document alert) {
        String objectId = objectId(alert);
        for (String type : THUMBNAIL_TYPES) {
            progress.step("thumbnail:" + type, () -> {
                byte[] cutout = profile.cutoutBytes(alert, type);
                if (cutout == null) {
                    log.warn(
                            "{}: alert {} of {} has no {} cutout, so no {} thumbnail is posted",
                            profile.survey(),
                            alert.get("candid"),
                            objectId,
                            profile.cutoutFields().get(type),
                            type);
                    return null;
                }
                byte[] png = thumbnails.render(profile, cutout, type);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("obj_id", objectId);
                body.put("data", Base64.getEncoder().encodeToString(png));
                body.put("ttype", type);
                return client.post("/api/thumbnail", body);
            });
        }
    }

    // ------------------------------------------------------------------ autosave and comments

    private static Map<Integer, Document> autosaveGroups(List<Document> passed) {
        Map<Integer, Document> groups = new LinkedHashMap<>();
        for (Document filter : passed) {
            Object autosave = filter.get("autosave");
            if (Boolean.TRUE.equals(autosave) || autosave instanceof Document) {
                groups.putIfAbsent(filter.getInteger("group_id"), filter);
            }
        }
        return groups;
    }

    private void autosaveKnown(Progress progress, String objectId, List<Document> passed) {
        Map<Integer, Document> groups = autosaveGroups(passed);
        if (groups.isEmpty() || progress.finished("source")) {
            return;
        }
        if (Boolean.TRUE.equals(progress.job.get("is_source"))) {
            SkyPortalClient.Reply reply = client.get("/api/sources/" + objectId + "/groups", Map.of());
            if (!reply.success()) {
                log.warn(
                        "{}: getting the groups of source {} failed, so it is not saved to more groups: {}",
                        profile.survey(),
                        objectId,
                        reply.describe());
                progress.mark("source", "failed");
                return;
            }
            if (reply.data() instanceof List<?> current) {
                for (Object item : current) {
                    if (item instanceof Map<?, ?> group && group.get("id") instanceof Number id) {
                        groups.remove(id.intValue());
                    }
                }
            }
        }
        autosave(progress, objectId, passed, groups);
    }

    private void autosave(Progress progress, String objectId, List<Document> passed, Map<Integer, Document> groups) {
        if (groups.isEmpty() || progress.finished("source")) {
            return;
        }
        // A resumed job keeps the groups of its first attempt, whose comments are still to be posted.
        if (progress.job.get("autosave_group_ids") == null) {
            progress.set("autosave_group_ids", new ArrayList<>(groups.keySet()));
        }
        progress.step("source", () -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", objectId);
            body.put("group_ids", new ArrayList<>(groups.keySet()));
            body.put("origin", "Kowalski");
            Map<String, Object> ignoreIfIn = new LinkedHashMap<>();
            Map<String, Object> saverPerGroup = new LinkedHashMap<>();
            for (Map.Entry<Integer, Document> entry : groups.entrySet()) {
                Document autosave = entry.getValue().get("autosave") instanceof Document document ? document : null;
                if (autosave == null) {
                    continue;
                }
                if (autosave.get("ignore_group_ids") instanceof List<?> ignored && !ignored.isEmpty()) {
                    ignoreIfIn.put(String.valueOf(entry.getKey()), JsonValues.plain(ignored));
                }
                if (autosave.get("saver_id") instanceof Number saver) {
                    saverPerGroup.put(String.valueOf(entry.getKey()), saver.longValue());
                }
            }
            if (!ignoreIfIn.isEmpty()) {
                body.put("ignore_if_in_group_ids", ignoreIfIn);
            }
            if (!saverPerGroup.isEmpty()) {
                body.put("saver_per_group_id", saverPerGroup);
            }
            SkyPortalClient.Reply reply = client.post("/api/sources", body);
            if (reply.success()) {
                List<Integer> notSaved = new ArrayList<>();
                if (reply.dataObject().get("saved_to_groups") instanceof List<?> saved) {
                    Set<Integer> savedIds = new HashSet<>();
                    saved.forEach(id -> savedIds.add(((Number) id).intValue()));
                    for (Integer groupId : groups.keySet()) {
                        if (!savedIds.contains(groupId)) {
                            notSaved.add(groupId);
                        }
                    }
                }
                progress.set("not_saved_group_ids", notSaved);
            }
            return reply;
        });
    }

    private void postAutosaveComments(Progress progress, String objectId, List<Document> passed) {
        if (!"done".equals(progress.status("source"))) {
            return;
        }
        Set<Integer> savedGroups = new LinkedHashSet<>();
        for (Object id : progress.job.getList("autosave_group_ids", Object.class, List.of())) {
            savedGroups.add(((Number) id).intValue());
        }
        for (Object id : progress.job.getList("not_saved_group_ids", Object.class, List.of())) {
            savedGroups.remove(((Number) id).intValue());
        }
        for (Document filter : passed) {
            int groupId = filter.getInteger("group_id");
            if (!savedGroups.contains(groupId)
                    || !(filter.get("autosave") instanceof Document autosave)
                    || !(autosave.get("comment") instanceof String comment)) {
                continue;
            }
            progress.step("comment:" + filter.get("filter_id"), () -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("text", comment);
                body.put("group_ids", List.of(groupId));
                return client.post("/api/sources/" + objectId + "/comments", body);
            });
        }
    }

    // ------------------------------------------------------------------ follow-up requests

    private void postFollowups(Progress progress, String objectId, List<Document> passed) {
        List<Document> withFollowup = new ArrayList<>();
        for (Document filter : passed) {
            if (filter.get("auto_followup") instanceof Document
                    && !progress.finished("followup:" + filter.get("filter_id"))) {
                withFollowup.add(filter);
            }
        }
        if (withFollowup.isEmpty()) {
            return;
        }
        // Filters with priority_order desc first, then the others; within each, the highest priority first.
        withFollowup.sort(Comparator.comparing(
                        (Document filter) -> !"desc".equals(followup(filter).get("priority_order")))
                .thenComparing(Comparator.comparingDouble(AlertPoster::requestedPriority)
                        .reversed()));

        SkyPortalClient.Reply reply = client.get("/api/followup_request", Map.of("sourceID", objectId));
        List<Map<String, Object>> existing = new ArrayList<>();
        if (reply.success() && reply.dataObject().get("followup_requests") instanceof List<?> requests) {
            for (Object item : requests) {
                if (item instanceof Map<?, ?> request) {
                    existing.add(JsonValues.plainMap(request));
                }
            }
        } else {
            log.warn(
                    "{}: getting the follow-up requests of {} failed: {}",
                    profile.survey(),
                    objectId,
                    reply.describe());
        }
        existing = new ArrayList<>(FollowupRequests.relevant(existing, FollowupRequests.nowUtc()));

        for (Document filter : withFollowup) {
            followupForFilter(progress, objectId, filter, existing);
        }
    }

    private void followupForFilter(
            Progress progress, String objectId, Document filter, List<Map<String, Object>> existing) {
        String step = "followup:" + filter.get("filter_id");
        Document followup = followup(filter);
        Map<String, Object> data = JsonValues.plainMap(followup.get("data", Document.class));
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = (Map<String, Object>) data.get("payload");
        String alias = followup.getString("priority_alias");
        String order = followup.getString("priority_order");
        List<?> targetGroups = data.get("target_group_ids") instanceof List<?> list ? list : List.of();

        List<Map<String, Object>> matches = new ArrayList<>();
        for (Map<String, Object> request : existing) {
            if (FollowupRequests.sameRequest(data.get("allocation_id"), targetGroups, payload, request)) {
                matches.add(request);
            }
        }
        Map<String, Object> match = FollowupRequests.first(matches, alias, order);

        if (match == null) {
            if ("sent".equals(progress.status(step))) {
                log.warn(
                        "{}: follow-up request of filter {} for {} may have been created by an earlier attempt"
                                + " whose reply was lost; it is not sent again",
                        profile.survey(),
                        filter.get("filter_id"),
                        objectId);
                progress.mark(step, "failed");
                return;
            }
            progress.mark(step, "sent");
            SkyPortalClient.Reply reply;
            try {
                reply = client.post("/api/followup_request", data, followupTimeout);
            } catch (SkyPortalUnavailableException e) {
                if (!e.requestSent()) {
                    progress.mark(step, null);
                    throw e;
                }
                log.warn(
                        "{}: creating the follow-up request of filter {} for {} failed and is not retried, because"
                                + " it may have been created: {}",
                        profile.survey(),
                        filter.get("filter_id"),
                        objectId,
                        e.getMessage());
                progress.mark(step, "failed");
                return;
            }
            if (!reply.success()) {
                log.warn(
                        "{}: creating the follow-up request of filter {} for {} failed: {}",
                        profile.survey(),
                        filter.get("filter_id"),
                        objectId,
                        reply.describe());
                progress.mark(step, "failed");
                return;
            }
            if (Boolean.TRUE.equals(reply.dataObject().get("ignored"))) {
                log.info(
                        "{}: SkyPortal ignored the follow-up request of filter {} for {}: {}",
                        profile.survey(),
                        filter.get("filter_id"),
                        objectId,
                        reply.dataObject().get("message"));
                progress.mark(step, "done");
                return;
            }
            Map<String, Object> created = new LinkedHashMap<>();
            created.put("id", reply.dataObject().get("id"));
            created.put("allocation_id", data.get("allocation_id"));
            created.put("payload", payload);
            List<Object> groups = new ArrayList<>();
            targetGroups.forEach(id -> groups.add(Map.of("id", id)));
            created.put("target_groups", groups);
            created.put("status", "submitted");
            existing.add(created);
            progress.mark(step, "done");
            if (followup.get("comment") instanceof String comment) {
                List<Object> commentGroups = new ArrayList<>();
                commentGroups.add(filter.get("group_id"));
                commentGroups.addAll(targetGroups);
                progress.step(
                        "followup_comment:" + filter.get("filter_id"),
                        () -> client.post(
                                "/api/sources/" + objectId + "/comments",
                                Map.of(
                                        "text",
                                        comment,
                                        "group_ids",
                                        new ArrayList<>(new LinkedHashSet<>(commentGroups)))));
            }
            return;
        }

        if (!Boolean.TRUE.equals(followup.get("implements_update"))) {
            log.info(
                    "{}: filter {} matches follow-up request {} of {}, and its allocation does not implement"
                            + " updates",
                    profile.survey(),
                    filter.get("filter_id"),
                    match.get("id"),
                    objectId);
            progress.mark(step, "done");
            return;
        }
        String status = String.valueOf(match.get("status"));
        double current = FollowupRequests.priorityOf(match, alias);
        double requested = payload.get(alias) instanceof Number number ? number.doubleValue() : Double.NaN;
        if (status.contains("complete") || status.contains("deleted") || status.contains("failed")) {
            log.debug(
                    "{}: follow-up request {} of {} is {}, no need for update",
                    profile.survey(),
                    match.get("id"),
                    objectId,
                    status);
        } else if (status.equals("submitted") && FollowupRequests.priorityShouldUpdate(current, requested, order)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> updated = new LinkedHashMap<>((Map<String, Object>) match.get("payload"));
            updated.put(alias, payload.get(alias));
            SkyPortalClient.Reply reply = progress.step(
                    step,
                    () -> client.put(
                            "/api/followup_request/" + match.get("id"),
                            Map.of(
                                    "payload",
                                    updated,
                                    "obj_id",
                                    objectId,
                                    "allocation_id",
                                    match.get("allocation_id"))));
            if (reply != null && reply.success()) {
                match.put("payload", updated);
            }
            return;
        }
        progress.mark(step, "done");
    }

    private static Document followup(Document filter) {
        return filter.get("auto_followup", Document.class);
    }

    private static double requestedPriority(Document filter) {
        Document followup = followup(filter);
        Object priority = followup.get("data", Document.class)
                .get("payload", Document.class)
                .get(followup.getString("priority_alias"));
        return priority instanceof Number number ? number.doubleValue() : Double.NEGATIVE_INFINITY;
    }

    // ------------------------------------------------------------------ helpers

    private String objectId(Document alert) {
        return String.valueOf(alert.get(profile.objectIdField()));
    }

    private static <T> T block(Mono<T> mono) {
        return mono.block(STORE_TIMEOUT);
    }

    /** One request of a step; {@code null} means the step had nothing to send. */
    @FunctionalInterface
    private interface StepCall {
        SkyPortalClient.Reply call();
    }

    /** The outbox document of the job being posted, and the writes that record its progress. */
    private final class Progress {

        final Document job;

        Progress(Document job) {
            this.job = job;
            if (job.get("steps") == null) {
                job.put("steps", new Document());
            }
        }

        String status(String step) {
            return job.get("steps", Document.class).getString(step);
        }

        boolean finished(String step) {
            String status = status(step);
            return "done".equals(status) || "failed".equals(status);
        }

        /** Runs a step unless it finished before; records success or a rejected reply. */
        SkyPortalClient.Reply step(String step, StepCall call) {
            if (finished(step)) {
                return null;
            }
            SkyPortalClient.Reply reply;
            try {
                reply = call.call();
            } catch (SkyPortalUnavailableException e) {
                throw e;
            } catch (RuntimeException e) {
                log.error(
                        "{}: step {} for {} (candid {}) failed and is skipped",
                        profile.survey(),
                        step,
                        job.get("object_id"),
                        job.get("candid"),
                        e);
                mark(step, "failed");
                return null;
            }
            if (reply == null || reply.success()) {
                mark(step, "done");
            } else {
                log.warn(
                        "{}: SkyPortal rejected step {} for {} (candid {}): {}",
                        profile.survey(),
                        step,
                        job.get("object_id"),
                        job.get("candid"),
                        reply.describe());
                mark(step, "failed");
            }
            return reply;
        }

        void mark(String step, String status) {
            Document steps = job.get("steps", Document.class);
            if (status == null) {
                steps.remove(step);
                block(Mono.from(outbox.updateOne(Filters.eq("_id", job.get("_id")), Updates.unset("steps." + step))));
            } else {
                steps.put(step, status);
                block(Mono.from(
                        outbox.updateOne(Filters.eq("_id", job.get("_id")), Updates.set("steps." + step, status))));
            }
        }

        void set(String field, Object value) {
            job.put(field, value);
            block(Mono.from(outbox.updateOne(Filters.eq("_id", job.get("_id")), Updates.set(field, value))));
        }
    }
}
