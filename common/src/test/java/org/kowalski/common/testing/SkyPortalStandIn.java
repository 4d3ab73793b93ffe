package org.kowalski.common.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SkyPortal stand-in for tests: an HTTP server on 127.0.0.1 that implements the endpoints Kowalski
 * calls, with SkyPortal's reply shapes ({@code {"status": "success", "data": ...}}), keeps what was
 * posted in memory, and records every request so tests can assert exactly what was sent.
 *
 * <p>It starts on a free port; {@link #stop()} closes the port and {@link #start()} opens the same port
 * again, keeping the state, so tests can simulate an outage. Set-up methods ({@link #addGroup}, {@link
 * #addClassification}, {@link #deleteFollowupRequest}, ...) change the state directly, as a SkyPortal user
 * would through the web page.
 *
 * <p>Behaviour of SkyPortal that Kowalski relies on and that is reproduced here: {@code POST /api/sources}
 * skips a group when the object is already saved to one of its {@code ignore_if_in_group_ids}; {@code
 * POST /api/followup_request} replies {@code ignored: true} and creates nothing when {@code
 * not_if_classified} is set and the object has a classification, or when the object is saved to one of
 * {@code ignore_source_group_ids}. Photometry is stored as sent, without de-duplication.
 */
public final class SkyPortalStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter MODIFIED_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    /** The token requests must carry as {@code Authorization: token <TOKEN>}. */
    public static final String TOKEN = "stand-in-token";

    /**
     * One request as received.
     *
     * @param body the JSON body, or {@code null}
     * @param authorization the Authorization header
     */
    public record Request(String method, String path, Map<String, String> query, Object body, String authorization) {

        /** Returns the body as a JSON object, or an empty map. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> json() {
            return body instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        }
    }

    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong ids = new AtomicLong(1);
    private final Object lock = new Object();

    private final Map<String, Long> instruments = new LinkedHashMap<>();
    private final Map<String, Long> streams = new LinkedHashMap<>();
    private final Map<Long, Map<String, Object>> groups = new LinkedHashMap<>();
    private final Map<String, List<Map<String, Object>>> candidates = new LinkedHashMap<>();
    private final Map<String, Set<Long>> sources = new LinkedHashMap<>();
    private final Map<String, List<Map<String, Object>>> annotations = new LinkedHashMap<>();
    private final Map<String, List<Map<String, Object>>> comments = new LinkedHashMap<>();
    private final Map<String, List<Map<String, Object>>> classifications = new LinkedHashMap<>();
    private final List<Map<String, Object>> photometry = new ArrayList<>();
    private final List<Map<String, Object>> thumbnails = new ArrayList<>();
    private final Map<Long, Map<String, Object>> followupRequests = new LinkedHashMap<>();

    private HttpServer server;
    private ExecutorService executor;
    private int port;

    private SkyPortalStandIn() {}

    /**
     * Starts a stand-in on {@code port} (0 for a free one) with the ZTF, PGIR, WINTER and TURBO instruments and the streams
     * the brokers look for.
     */
    public static SkyPortalStandIn launch(int port) {
        SkyPortalStandIn standIn = new SkyPortalStandIn();
        standIn.instruments.put("ZTF", 1L);
        standIn.instruments.put("PGIR", 2L);
        standIn.instruments.put("WINTER", 3L);
        standIn.instruments.put("TURBO", 4L);
        standIn.streams.put("ZTF Public", 1L);
        standIn.streams.put("ZTF Public+Partnership", 2L);
        standIn.streams.put("ZTF Public+Partnership+Caltech", 3L);
        standIn.streams.put("PGIR", 4L);
        standIn.streams.put("WINTER", 5L);
        standIn.streams.put("TURBO", 6L);
        standIn.ids.set(1000);
        standIn.port = port;
        standIn.start();
        return standIn;
    }

    /** Starts a stand-in on a free port. */
    public static SkyPortalStandIn launch() {
        return launch(0);
    }

    /** Opens the port again after {@link #stop()}, keeping the state. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the SkyPortal stand-in on 127.0.0.1:" + port, e);
        }
        port = server.getAddress().getPort();
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Closes the port, so that connections are refused, and keeps the state. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        return port;
    }

    /** Returns the configuration overrides that point Kowalski at this stand-in, as a {@code skyportal} tree. */
    public Map<String, Object> skyportalConfig() {
        return Map.of("protocol", "http", "host", "127.0.0.1", "port", port, "token", TOKEN);
    }

    // ---------------------------------------------------------------- set-up and inspection

    /**
     * Adds a group with filters.
     *
     * @param filters the group's filters as {@code filter id -> name}
     */
    public void addGroup(long groupId, String name, String nickname, Map<Long, String> filters) {
        synchronized (lock) {
            List<Map<String, Object>> filterList = new ArrayList<>();
            filters.forEach(
                    (id, filterName) -> filterList.add(new LinkedHashMap<>(Map.of("id", id, "name", filterName))));
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("id", groupId);
            group.put("name", name);
            group.put("nickname", nickname);
            group.put("filters", filterList);
            groups.put(groupId, group);
        }
    }

    /** Saves an object to a group as a source, as a user would. */
    public void saveSource(String objectId, long groupId) {
        synchronized (lock) {
            sources.computeIfAbsent(objectId, id -> new LinkedHashSet<>()).add(groupId);
        }
    }

    /** Removes an object from a group. */
    public void unsaveSource(String objectId, long groupId) {
        synchronized (lock) {
            Set<Long> saved = sources.get(objectId);
            if (saved != null) {
                saved.remove(groupId);
            }
        }
    }

    /** Adds a classification to an object. */
    public void addClassification(String objectId, String classification, double probability) {
        synchronized (lock) {
            classifications
                    .computeIfAbsent(objectId, id -> new ArrayList<>())
                    .add(new LinkedHashMap<>(Map.of("classification", classification, "probability", probability)));
        }
    }

    /** Deletes every classification of an object. */
    public void deleteClassifications(String objectId) {
        synchronized (lock) {
            classifications.remove(objectId);
        }
    }

    /** Marks a follow-up request as deleted, as SkyPortal does when a user deletes it. */
    public void deleteFollowupRequest(long requestId) {
        synchronized (lock) {
            Map<String, Object> request = followupRequests.get(requestId);
            if (request != null) {
                request.put("status", "deleted");
                request.put("modified", now());
            }
        }
    }

    /** Sets the status of a follow-up request, such as {@code "failed: no slot"} or {@code "completed"}. */
    public void setFollowupStatus(long requestId, String status, LocalDateTime modified) {
        synchronized (lock) {
            Map<String, Object> request = followupRequests.get(requestId);
            request.put("status", status);
            request.put("modified", MODIFIED_FORMAT.format(modified));
        }
    }

    /** Returns the follow-up requests of an object, as stored. */
    public List<Map<String, Object>> followupRequests(String objectId) {
        synchronized (lock) {
            return followupRequests.values().stream()
                    .filter(request -> objectId.equals(request.get("obj_id")))
                    .map(LinkedHashMap::new)
                    .map(request -> (Map<String, Object>) request)
                    .toList();
        }
    }

    /** Returns the groups an object is saved to. */
    public Set<Long> sourceGroups(String objectId) {
        synchronized (lock) {
            return Set.copyOf(sources.getOrDefault(objectId, Set.of()));
        }
    }

    /** Returns the annotations of an object, as stored. */
    public List<Map<String, Object>> annotations(String objectId) {
        synchronized (lock) {
            return List.copyOf(annotations.getOrDefault(objectId, List.of()));
        }
    }

    /** Returns the comments of an object. */
    public List<Map<String, Object>> comments(String objectId) {
        synchronized (lock) {
            return List.copyOf(comments.getOrDefault(objectId, List.of()));
        }
    }

    /** Returns every photometry body received, in order. */
    public List<Map<String, Object>> photometry() {
        synchronized (lock) {
            return List.copyOf(photometry);
        }
    }

    /** Returns every thumbnail body received, in order. */
    public List<Map<String, Object>> thumbnails() {
        synchronized (lock) {
            return List.copyOf(thumbnails);
        }
    }

    /** Returns the stream id of a stream name. */
    public long streamId(String name) {
        return streams.get(name);
    }

    /** Returns the instrument id of an instrument name. */
    public long instrumentId(String name) {
        return instruments.get(name);
    }

    /** Returns every request received so far, in order. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Returns the requests with this method whose path matches {@code pathPattern}, a regular expression. */
    public List<Request> requests(String method, String pathPattern) {
        Predicate<String> matches = Pattern.compile(pathPattern).asMatchPredicate();
        return requests().stream()
                .filter(request -> request.method().equals(method) && matches.test(request.path()))
                .toList();
    }

    /** Forgets the recorded requests, keeping the state. */
    public void clearRequests() {
        requests.clear();
    }

    // ---------------------------------------------------------------- HTTP

    private static final Pattern GROUP = Pattern.compile("/api/groups/(\\d+)");
    private static final Pattern CANDIDATE = Pattern.compile("/api/candidates/([^/]+)");
    private static final Pattern SOURCE = Pattern.compile("/api/sources/([^/]+)");
    private static final Pattern SOURCE_GROUPS = Pattern.compile("/api/sources/([^/]+)/groups");
    private static final Pattern ANNOTATIONS = Pattern.compile("/api/sources/([^/]+)/annotations");
    private static final Pattern ANNOTATION = Pattern.compile("/api/sources/([^/]+)/annotations/(\\d+)");
    private static final Pattern COMMENTS = Pattern.compile("/api/sources/([^/]+)/comments");
    private static final Pattern FOLLOWUP = Pattern.compile("/api/followup_request/(\\d+)");

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
            Object body = readBody(exchange.getRequestBody());
            Request request = new Request(
                    method, path, query, body, exchange.getRequestHeaders().getFirst("Authorization"));
            requests.add(request);

            if (!("token " + TOKEN).equals(request.authorization())) {
                reply(exchange, 401, error("Unauthorized: missing or invalid token"));
                return;
            }
            Object[] outcome;
            synchronized (lock) {
                outcome = route(request);
            }
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders((Integer) outcome[0], -1);
                return;
            }
            reply(exchange, (Integer) outcome[0], outcome[1]);
        }
    }

    private Object[] route(Request request) {
        String method = request.method();
        String path = request.path();
        Map<String, Object> body = request.json();
        Matcher m;

        if (method.equals("GET") && path.equals("/api/instrument")) {
            String name = request.query().get("name");
            List<Object> found = new ArrayList<>();
            instruments.forEach((instrument, id) -> {
                if (name == null || name.equals(instrument)) {
                    found.add(Map.of("id", id, "name", instrument));
                }
            });
            return ok(found);
        }
        if (method.equals("GET") && path.equals("/api/streams")) {
            List<Object> found = new ArrayList<>();
            streams.forEach((name, id) -> found.add(Map.of("id", id, "name", name)));
            return ok(found);
        }
        if (method.equals("GET") && (m = GROUP.matcher(path)).matches()) {
            Map<String, Object> group = groups.get(Long.parseLong(m.group(1)));
            return group == null ? notFound("Group " + m.group(1) + " not found") : ok(group);
        }
        if (method.equals("HEAD") && (m = CANDIDATE.matcher(path)).matches()) {
            return new Object[] {candidates.containsKey(decode(m.group(1))) ? 200 : 404, null};
        }
        if (method.equals("HEAD") && (m = SOURCE.matcher(path)).matches()) {
            Set<Long> saved = sources.get(decode(m.group(1)));
            return new Object[] {saved != null && !saved.isEmpty() ? 200 : 404, null};
        }
        if (method.equals("POST") && path.equals("/api/candidates")) {
            String objectId = String.valueOf(body.get("id"));
            candidates.computeIfAbsent(objectId, id -> new ArrayList<>()).add(body);
            return ok(Map.of("ids", List.of(objectId)));
        }
        if (method.equals("POST") && path.equals("/api/sources")) {
            return postSource(body);
        }
        if (method.equals("GET") && (m = SOURCE_GROUPS.matcher(path)).matches()) {
            List<Object> found = new ArrayList<>();
            for (Long groupId : sources.getOrDefault(decode(m.group(1)), Set.of())) {
                Map<String, Object> group = groups.get(groupId);
                found.add(Map.of("id", groupId, "name", group == null ? "group " + groupId : group.get("name")));
            }
            return ok(found);
        }
        if (method.equals("GET") && (m = ANNOTATIONS.matcher(path)).matches()) {
            return ok(annotations.getOrDefault(decode(m.group(1)), List.of()));
        }
        if (method.equals("POST") && (m = ANNOTATIONS.matcher(path)).matches()) {
            Map<String, Object> annotation = new LinkedHashMap<>(body);
            long id = ids.getAndIncrement();
            annotation.put("id", id);
            annotation.put("author_id", 1);
            annotations
                    .computeIfAbsent(decode(m.group(1)), key -> new ArrayList<>())
                    .add(annotation);
            return ok(Map.of("annotation_id", id));
        }
        if (method.equals("PUT") && (m = ANNOTATION.matcher(path)).matches()) {
            long id = Long.parseLong(m.group(2));
            for (Map<String, Object> annotation : annotations.getOrDefault(decode(m.group(1)), List.of())) {
                if (Objects.equals(((Number) annotation.get("id")).longValue(), id)) {
                    annotation.putAll(body);
                    annotation.put("id", id);
                    return ok(Map.of());
                }
            }
            return notFound("Annotation " + id + " not found");
        }
        if (method.equals("POST") && (m = COMMENTS.matcher(path)).matches()) {
            Map<String, Object> comment = new LinkedHashMap<>(body);
            long id = ids.getAndIncrement();
            comment.put("id", id);
            comments.computeIfAbsent(decode(m.group(1)), key -> new ArrayList<>())
                    .add(comment);
            return ok(Map.of("comment_id", id));
        }
        if (method.equals("PUT") && path.equals("/api/photometry")) {
            Map<String, Object> stored = new LinkedHashMap<>(body);
            stored.put("_query", request.query());
            photometry.add(stored);
            int count = body.get("mjd") instanceof List<?> list ? list.size() : 0;
            List<Long> photometryIds = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                photometryIds.add(ids.getAndIncrement());
            }
            return ok(Map.of("ids", photometryIds, "upload_id", "upload-" + ids.getAndIncrement()));
        }
        if (method.equals("POST") && path.equals("/api/thumbnail")) {
            thumbnails.add(body);
            return ok(Map.of("id", ids.getAndIncrement()));
        }
        if (method.equals("GET") && path.equals("/api/followup_request")) {
            String objectId = request.query().get("sourceID");
            List<Object> found = new ArrayList<>();
            for (Map<String, Object> followup : followupRequests.values()) {
                if (objectId == null || objectId.equals(followup.get("obj_id"))) {
                    found.add(followup);
                }
            }
            return ok(Map.of("followup_requests", found, "totalMatches", found.size()));
        }
        if (method.equals("POST") && path.equals("/api/followup_request")) {
            return postFollowup(body);
        }
        if (method.equals("PUT") && (m = FOLLOWUP.matcher(path)).matches()) {
            Map<String, Object> followup = followupRequests.get(Long.parseLong(m.group(1)));
            if (followup == null) {
                return notFound("Follow-up request " + m.group(1) + " not found");
            }
            if (body.get("payload") != null) {
                followup.put("payload", body.get("payload"));
            }
            followup.put("modified", now());
            return ok(Map.of());
        }
        return new Object[] {404, error("No route " + method + " " + path + " in the SkyPortal stand-in")};
    }

    @SuppressWarnings("unchecked")
    private Object[] postSource(Map<String, Object> body) {
        String objectId = String.valueOf(body.get("id"));
        List<Long> requested = longs(body.get("group_ids"));
        Map<String, Object> ignoreIfIn =
                body.get("ignore_if_in_group_ids") instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        Set<Long> saved = sources.computeIfAbsent(objectId, id -> new LinkedHashSet<>());
        List<Long> savedTo = new ArrayList<>();
        for (Long groupId : requested) {
            List<Long> blockers = longs(ignoreIfIn.get(String.valueOf(groupId)));
            if (blockers.stream().anyMatch(saved::contains)) {
                continue;
            }
            saved.add(groupId);
            savedTo.add(groupId);
        }
        return ok(Map.of("id", objectId, "saved_to_groups", savedTo));
    }

    private Object[] postFollowup(Map<String, Object> body) {
        String objectId = String.valueOf(body.get("obj_id"));
        if (Boolean.TRUE.equals(body.get("not_if_classified"))
                && !classifications.getOrDefault(objectId, List.of()).isEmpty()) {
            return ok(Map.of("ignored", true, "message", "source is classified"));
        }
        Set<Long> saved = sources.getOrDefault(objectId, Set.of());
        if (longs(body.get("ignore_source_group_ids")).stream().anyMatch(saved::contains)) {
            return ok(Map.of("ignored", true, "message", "source is saved to an ignored group"));
        }
        long id = ids.getAndIncrement();
        Map<String, Object> followup = new LinkedHashMap<>();
        followup.put("id", id);
        followup.put("obj_id", objectId);
        followup.put("allocation_id", body.get("allocation_id"));
        followup.put("payload", body.get("payload"));
        List<Object> targetGroups = new ArrayList<>();
        for (Long groupId : longs(body.get("target_group_ids"))) {
            targetGroups.add(Map.of("id", groupId));
        }
        followup.put("target_groups", targetGroups);
        followup.put("status", "submitted");
        followup.put("modified", now());
        followupRequests.put(id, followup);
        return ok(Map.of("id", id));
    }

    private static List<Long> longs(Object value) {
        List<Long> result = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                result.add(((Number) item).longValue());
            }
        }
        return result;
    }

    private static String now() {
        return MODIFIED_FORMAT.format(LocalDateTime.now(ZoneOffset.UTC));
    }

    private static Object[] ok(Object data) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("status", "success");
        reply.put("data", data);
        reply.put("version", "stand-in");
        return new Object[] {200, reply};
    }

    private static Object[] notFound(String message) {
        return new Object[] {400, error(message)};
    }

    private static Map<String, Object> error(String message) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("status", "error");
        reply.put("message", message);
        reply.put("data", Map.of());
        return reply;
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Object readBody(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        if (bytes.length == 0) {
            return null;
        }
        return JSON.readValue(bytes, new TypeReference<Object>() {});
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            query.put(key, value);
        }
        return query;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
