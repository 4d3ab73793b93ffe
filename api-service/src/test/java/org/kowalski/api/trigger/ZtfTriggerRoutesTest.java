package org.kowalski.api.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.RunningApi;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The ZTF trigger routes, against an API whose {@code ztf.queue_url} points at a stand-in queue service
 * on 127.0.0.1 that records each request and replies with a chosen status.
 */
class ZtfTriggerRoutesTest {

    private static final String QUEUE = "{\"queue_name\": \"ToO_test\", \"validity_window_mjd\": [59000, 59000.5],"
            + " \"targets\": [{\"request_id\": 1, \"program_pi\": \"Kulkarni\", \"field_id\": 699, \"ra\": 322.7,"
            + " \"dec\": 27.2, \"filter_id\": 1, \"exposure_time\": 300.0},"
            + " {\"request_id\": 2, \"program_pi\": \"Kulkarni\", \"field_id\": 699, \"ra\": 322.7, \"dec\": 27.2,"
            + " \"filter_id\": 2, \"exposure_time\": 300.0}], \"queue_type\": \"list\", \"user\": \"provisioned-admin\"}";
    private static final String MMA = "{\"trigger_name\": \"S230623a\", \"trigger_time\": 2460118.5,"
            + " \"fields\": [{\"field_id\": 1, \"probability\": 0.5}], \"user\": \"provisioned-admin\"}";

    /** A request that reached the stand-in service. */
    record Recorded(String method, String path, String body) {}

    private static HttpServer queueService;
    private static final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private static final AtomicInteger nextStatus = new AtomicInteger(201);
    private static RunningApi api;
    private static WebTestClient client;
    private static String token;

    @BeforeAll
    static void startServers() throws IOException {
        queueService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        queueService.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Recorded(
                    exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body));
            byte[] reply =
                    "[{\"queue_name\": \"ToO_test\", \"queue_type\": \"list\"}]".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("queue_name", "ToO_test");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(nextStatus.get(), reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        queueService.start();
        String url = "http://127.0.0.1:" + queueService.getAddress().getPort();
        // The second API shares this JVM's embedded store, which a loaded machine may be slow to answer.
        api = RunningApi.start(
                Map.of("ztf", Map.of("queue_url", url), "database", Map.of("connect_timeout_ms", 60_000)));
        // Closing a second API context early would dispose Reactor Netty's global event loops, which the
        // shared API of the other test classes uses too, so this one stops when the JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(api::close, "trigger-api-stop"));
        client = api.client();
        token = api.adminToken();
    }

    @AfterAll
    static void stopQueueService() {
        if (queueService != null) {
            queueService.stop(0);
        }
    }

    private static Document reply(
            HttpMethod method, String uri, String body, String authorization, int expectedStatus) {
        var request = client.method(method).uri(uri);
        if (authorization != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        var response = body == null
                ? request.exchange()
                : request.contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .exchange();
        byte[] bytes = response.expectStatus()
                .isEqualTo(expectedStatus)
                .expectBody()
                .returnResult()
                .getResponseBodyContent();
        return Document.parse(new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void testRoutesValidateWithoutSending() {
        requests.clear();

        Document put = reply(HttpMethod.PUT, "/api/triggers/ztf.test", QUEUE, token, 200);
        Document delete = reply(
                HttpMethod.DELETE,
                "/api/triggers/ztf.test",
                "{\"queue_name\": \"ToO_test\", \"user\": \"provisioned-admin\"}",
                token,
                200);
        Document get = reply(HttpMethod.GET, "/api/triggers/ztf.test", null, token, 200);
        Document mmaPut = reply(HttpMethod.PUT, "/api/triggers/ztfmma.test", MMA, token, 200);
        Document mmaDelete = reply(
                HttpMethod.DELETE,
                "/api/triggers/ztfmma.test",
                "{\"trigger_name\": \"S230623a\", \"user\": \"provisioned-admin\"}",
                token,
                200);
        Document mmaGet = reply(HttpMethod.GET, "/api/triggers/ztfmma.test", null, token, 200);

        assertThat(put).isEqualTo(new Document("status", "success").append("message", "submitted"));
        assertThat(delete).isEqualTo(new Document("status", "success").append("message", "deleted"));
        assertThat(get.getList("data", Document.class)).containsExactly(new Document("queue_name", "test"));
        assertThat(mmaPut.getString("message")).isEqualTo("submitted");
        assertThat(mmaDelete.getString("message")).isEqualTo("deleted");
        assertThat(mmaGet.getList("data", Document.class)).containsExactly(new Document("trigger_name", "test"));
        assertThat(requests).isEmpty();
    }

    @Test
    void submissionIsForwardedToQueueService() {
        requests.clear();
        nextStatus.set(201);

        Document submitted = reply(HttpMethod.PUT, "/api/triggers/ztf", QUEUE, token, 200);

        assertThat(submitted.getString("message")).as(submitted.toJson()).isEqualTo("submitted");
        assertThat(submitted.get("data", Document.class).keySet())
                .as(submitted.toJson())
                .contains("queue_name");
        assertThat(submitted.get("data", Document.class).getString("queue_name"))
                .isEqualTo("ToO_test");
        assertThat(requests).hasSize(1);
        Recorded sent = requests.get(0);
        assertThat(sent.method()).isEqualTo("PUT");
        assertThat(sent.path()).isEqualTo("/queues");
        Document body = Document.parse(sent.body());
        assertThat(body.getString("queue_name")).isEqualTo("ToO_test");
        assertThat(body.getList("validity_window_mjd", Double.class)).containsExactly(59000.0, 59000.5);
        assertThat(body.getList("targets", Document.class)).hasSize(2);
        assertThat(body.getString("user")).isEqualTo("provisioned-admin");
    }

    @Test
    void existingQueueGivesConflict() {
        nextStatus.set(200);

        Document conflict = reply(HttpMethod.PUT, "/api/triggers/ztf", QUEUE, token, 409);

        assertThat(conflict.getString("message")).isEqualTo("Submitted queue ToO_test already exists");
    }

    @Test
    void rejectionIsReportedWithServiceReply() {
        nextStatus.set(500);

        Document rejected = reply(
                HttpMethod.DELETE,
                "/api/triggers/ztfmma",
                "{\"trigger_name\": \"S230623a\", \"user\": \"provisioned-admin\"}",
                token,
                400);

        assertThat(rejected.getString("message"))
                .startsWith("ZTF MMA trigger delete attempt rejected: the queue service answered HTTP 500");
    }

    @Test
    void queueStatusIsRetrieved() {
        requests.clear();
        nextStatus.set(200);

        Document retrieved = reply(HttpMethod.GET, "/api/triggers/ztf?queue_name=ToO_test", null, token, 200);

        assertThat(retrieved.getString("message")).isEqualTo("retrieved");
        assertThat(retrieved.getList("data", Document.class).get(0).getString("queue_type"))
                .isEqualTo("list");
        assertThat(requests.get(0).method()).isEqualTo("GET");
        assertThat(Document.parse(requests.get(0).body())).isEqualTo(new Document("queue_name", "ToO_test"));
    }

    @Test
    void invalidOrUnauthorizedRequestsAreRejected() {
        Document missing = reply(
                HttpMethod.PUT,
                "/api/triggers/ztf.test",
                "{\"queue_name\": \"q\", \"validity_window_mjd\": [1], \"targets\": [{}], \"user\": \"u\"}",
                token,
                400);
        assertThat(missing.getString("message"))
                .isEqualTo(
                        "ValidationError: 1 validation error for ZtfQueueSubmission\nqueue_type\n  field required (type=value_error.missing)");

        Document badTime = reply(
                HttpMethod.PUT,
                "/api/triggers/ztfmma.test",
                "{\"trigger_name\": 5, \"trigger_time\": \"soon\", \"fields\": [], \"user\": \"u\"}",
                token,
                400);
        assertThat(badTime.getString("message")).contains("trigger_time\n  value is not a valid float");

        reply(HttpMethod.PUT, "/api/triggers/ztf.test", QUEUE, api.tokenFor("someone"), 403);
        reply(HttpMethod.PUT, "/api/triggers/ztf.test", QUEUE, null, 401);
    }
}
