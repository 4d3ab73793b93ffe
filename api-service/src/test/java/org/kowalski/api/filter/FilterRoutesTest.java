package org.kowalski.api.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.RunningApi;
import org.kowalski.api.testing.ZtfArchive;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** The filters API against the running API, with the ZTF sample alerts stored. */
class FilterRoutesTest {

    /** The pipeline text that the original stores for the test filter, byte for byte. */
    private static final String STRICT_PIPELINE_TEXT = "[{\"$match\": {\"candidate.drb\": {\"$gt\": 0.9999},"
            + " \"cross_matches.CLU_20190625.0\": {\"$exists\": false}}}]";

    private static final String START_JD = "2460229.9338542";

    private static RunningApi api;
    private static WebTestClient client;
    private static String token;
    private static MongoDatabase database;

    @BeforeAll
    static void startApi() {
        api = RunningApi.shared();
        client = api.client();
        token = api.adminToken();
        database = api.bean(MongoDatabase.class);
        ZtfArchive.load(database, "ZTF_alerts");
    }

    private static int randomFilterId() {
        return ThreadLocalRandom.current().nextInt(1, 1_000_000_000);
    }

    private static Document send(HttpMethod method, String uri, String body, int expectedStatus) {
        var request = client.method(method).uri(uri).header(HttpHeaders.AUTHORIZATION, token);
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

    private static String filter(int filterId, double drb) {
        return "{\"group_id\": 1, \"filter_id\": " + filterId
                + ", \"catalog\": \"ZTF_alerts\", \"permissions\": [1, 2],"
                + " \"autosave\": false, \"update_annotations\": false, \"pipeline\": [{\"$match\": {\"candidate.drb\":"
                + " {\"$gt\": " + drb + "}, \"cross_matches.CLU_20190625.0\": {\"$exists\": false}}}]}";
    }

    private static String followup(String order) {
        return "{\"active\": true, \"comment\": \"test\", \"allocation_id\": 1, \"payload\": {\"priority\": 5},"
                + " \"priority_order\": \"" + order
                + "\", \"pipeline\": [{\"$match\": {\"candidate.drb\": {\"$gt\": 0.9999},"
                + " \"cross_matches.CLU_20190625.0\": {\"$exists\": false}}}]}";
    }

    private static Document storedFilter(int filterId) {
        return Mono.from(database.getCollection("filters")
                        .find(Filters.eq("filter_id", filterId))
                        .first())
                .block(Duration.ofSeconds(30));
    }

    @Test
    void filterLifecycle() {
        int filterId = randomFilterId();

        // Create.
        Document created = send(HttpMethod.POST, "/api/filters", filter(filterId, 0.9999), 200);
        String fid1 = created.get("data", Document.class).getString("fid");
        assertThat(created.getString("message"))
                .isEqualTo(
                        "pipeline test for filter id " + filterId + " successful\nsaved new filter version: " + fid1);
        assertThat(created.get("data", Document.class).getString("pipeline")).isEqualTo(STRICT_PIPELINE_TEXT);
        assertThat(fid1).matches("[a-z0-9]{6}");

        Document retrieved = send(HttpMethod.GET, "/api/filters/" + filterId, null, 200);
        assertThat(retrieved.getString("message")).isEqualTo("Retrieved filter id " + filterId);
        Document data = retrieved.get("data", Document.class);
        assertThat(data.getString("active_fid")).isEqualTo(fid1);
        assertThat(data.getBoolean("autosave")).isFalse();
        assertThat(data.get("auto_followup", Document.class)).isEmpty();
        assertThat(data.get("_id")).as("_id written as {\"$oid\": ...}").isInstanceOf(ObjectId.class);

        // The stored document has the shape that the brokers load.
        Document stored = storedFilter(filterId);
        assertThat(stored.keySet())
                .containsExactly(
                        "_id",
                        "filter_id",
                        "group_id",
                        "catalog",
                        "permissions",
                        "active",
                        "autosave",
                        "auto_followup",
                        "update_annotations",
                        "active_fid",
                        "fv",
                        "created_at",
                        "last_modified");
        assertThat(stored.getList("fv", Document.class).get(0).getString("pipeline"))
                .isEqualTo(STRICT_PIPELINE_TEXT);
        assertThat(stored.getBoolean("active")).isTrue();

        // A new pipeline is a new version; the same pipeline posted again is not.
        Document second = send(HttpMethod.POST, "/api/filters", filter(filterId, 0.999), 200);
        String fid2 = second.get("data", Document.class).getString("fid");
        assertThat(fid2).isNotEqualTo(fid1);
        Document retried = send(HttpMethod.POST, "/api/filters", filter(filterId, 0.999), 200);
        assertThat(retried.get("data", Document.class).getString("fid")).isEqualTo(fid2);
        Document afterRetry =
                send(HttpMethod.GET, "/api/filters/" + filterId, null, 200).get("data", Document.class);
        assertThat(afterRetry.getString("active_fid")).isEqualTo(fid2);
        assertThat(afterRetry.getList("fv", Document.class)).hasSize(2);

        // Modify.
        Document activeFid = send(
                HttpMethod.PATCH,
                "/api/filters",
                "{\"filter_id\": " + filterId + ", \"active_fid\": \"" + fid1 + "\"}",
                200);
        assertThat(activeFid.getString("message")).isEqualTo("Updated filter id " + filterId);
        assertThat(activeFid.get("data", Document.class).getString("active_fid"))
                .isEqualTo(fid1);

        Document autosaveOn =
                send(HttpMethod.PATCH, "/api/filters", "{\"filter_id\": " + filterId + ", \"autosave\": true}", 200);
        assertThat(autosaveOn.get("data", Document.class).getBoolean("autosave"))
                .isTrue();

        String autosave = "{\"active\": true, \"comment\": \"saved by test\", \"ignore_group_ids\": [2],"
                + " \"pipeline\": \"[{\\\"$match\\\": {\\\"candidate.drb\\\": {\\\"$gt\\\": 0.5}}}]\"}";
        Document autosaveObject = send(
                HttpMethod.PATCH,
                "/api/filters",
                "{\"filter_id\": " + filterId + ", \"autosave\": " + autosave + "}",
                200);
        assertThat(autosaveObject.get("data", Document.class).get("autosave", Document.class))
                .isEqualTo(Document.parse(autosave));

        Document followupSet = send(
                HttpMethod.PATCH,
                "/api/filters",
                "{\"filter_id\": " + filterId + ", \"auto_followup\": " + followup("desc") + "}",
                200);
        Document expectedFollowup = Document.parse(followup("desc")).append("pipeline", STRICT_PIPELINE_TEXT);
        assertThat(followupSet.get("data", Document.class).get("auto_followup", Document.class))
                .isEqualTo(expectedFollowup);

        String conflicting = filter(filterId, 0.9999)
                .replace("\"autosave\": false", "\"autosave\": " + autosave)
                .replace("\"permissions\"", "\"auto_followup\": " + followup("asc") + ", \"permissions\"");
        Document conflict = send(HttpMethod.POST, "/api/filters", conflicting, 400);
        assertThat(conflict.getString("message"))
                .contains(
                        "filters with the same allocation have priority_order set to a different value, which is unexpected");

        Document annotations = send(
                HttpMethod.PATCH,
                "/api/filters",
                "{\"filter_id\": " + filterId + ", \"update_annotations\": true}",
                200);
        assertThat(annotations.get("data", Document.class).getBoolean("update_annotations"))
                .isTrue();

        Document inactive =
                send(HttpMethod.PATCH, "/api/filters", "{\"filter_id\": " + filterId + ", \"active\": false}", 200);
        assertThat(inactive.get("data", Document.class).getBoolean("active")).isFalse();
        assertThat(send(HttpMethod.GET, "/api/filters/" + filterId, null, 200)
                        .get("data", Document.class)
                        .getBoolean("active"))
                .isFalse();

        // Delete.
        Document removed = send(HttpMethod.DELETE, "/api/filters/" + filterId, null, 200);
        assertThat(removed.getString("message")).isEqualTo("Removed filter id " + filterId);

        // A brand-new filter may start with autosave and auto_followup.
        int otherId = randomFilterId();
        String withFollowup = filter(otherId, 0.9999)
                .replace("\"autosave\": false", "\"autosave\": " + autosave)
                .replace("\"permissions\"", "\"auto_followup\": " + followup("desc") + ", \"permissions\"");
        Document createdWithFollowup = send(HttpMethod.POST, "/api/filters", withFollowup, 200);
        assertThat(createdWithFollowup.getString("status")).isEqualTo("success");
        assertThat(storedFilter(otherId).get("auto_followup", Document.class).getString("pipeline"))
                .isEqualTo(STRICT_PIPELINE_TEXT);
        send(HttpMethod.DELETE, "/api/filters/" + otherId, null, 200);
    }

    @Test
    void invalidStageIsRejected() {
        String body = filter(randomFilterId(), 0.5).replace("\"$match\"", "\"$matc\"");

        Document reply = send(HttpMethod.POST, "/api/filters", body, 400);

        assertThat(reply.getString("status")).isEqualTo("error");
    }

    @Test
    void forbiddenStagesAreRejectedAtAnyDepth() {
        String lookup = "{\"group_id\": 1, \"filter_id\": " + randomFilterId() + ", \"catalog\": \"ZTF_alerts\","
                + " \"permissions\": [1], \"pipeline\": [{\"$match\": {}}, {\"$lookup\": {\"from\": \"ZTF_alerts_aux\","
                + " \"localField\": \"objectId\", \"foreignField\": \"_id\", \"as\": \"aux2\"}}]}";
        Document topLevel = send(HttpMethod.POST, "/api/filters", lookup, 400);
        assertThat(topLevel.getString("message")).contains("pipeline uses forbidden stages");

        String nested = "{\"group_id\": 1, \"filter_id\": " + randomFilterId() + ", \"catalog\": \"ZTF_alerts\","
                + " \"permissions\": [1], \"pipeline\": [{\"$facet\": {\"a\": [{\"$lookup\": {\"from\": \"users\","
                + " \"localField\": \"x\", \"foreignField\": \"_id\", \"as\": \"u\"}}]}}]}";
        Document inFacet = send(HttpMethod.POST, "/api/filters", nested, 400);
        assertThat(inFacet.getString("message")).contains("users");

        String javascript = "{\"group_id\": 1, \"filter_id\": " + randomFilterId() + ", \"catalog\": \"ZTF_alerts\","
                + " \"permissions\": [1], \"pipeline\": [{\"$match\": {\"$where\": \"true\"}}]}";
        Document where = send(HttpMethod.POST, "/api/filters", javascript, 400);
        assertThat(where.getString("message")).contains("$where");
    }

    @Test
    void unknownActiveFidIsRejected() {
        int filterId = randomFilterId();
        send(HttpMethod.POST, "/api/filters", filter(filterId, 0.9999), 200);

        Document reply = send(
                HttpMethod.PATCH,
                "/api/filters",
                "{\"filter_id\": " + filterId + ", \"active_fid\": \"somerandomfid\"}",
                400);

        assertThat(reply.getString("message")).contains("filter version fid not in filter");
        Document removed = send(HttpMethod.DELETE, "/api/filters/" + filterId, null, 200);
        assertThat(removed.getString("message")).isEqualTo("Removed filter id " + filterId);
    }

    @Test
    void missingFilterIsReported() {
        int filterId = randomFilterId();

        Document patched =
                send(HttpMethod.PATCH, "/api/filters", "{\"filter_id\": " + filterId + ", \"active\": false}", 400);
        Document deleted = send(HttpMethod.DELETE, "/api/filters/" + filterId, null, 400);

        assertThat(patched.getString("message")).contains("Filter id " + filterId + " not found");
        assertThat(deleted.getString("message")).contains("Filter id " + filterId + " not found");
    }

    @Test
    void retrospectiveTestRuns() {
        int filterId = randomFilterId();
        String uri = "/api/filters/" + filterId + "/test";
        send(HttpMethod.POST, "/api/filters", filter(filterId, 0.9999), 200);

        // ZTF17aadcvhq has drb 0.993: it fails drb > 0.9999 and passes drb > 0.5.
        Document strict = send(HttpMethod.POST, uri, "{\"object_ids\": [\"ZTF17aadcvhq\"]}", 200);
        assertThat(strict.getString("message")).isEqualTo("filter test successful");
        assertThat(strict.getList("data", Document.class)).isEmpty();

        send(HttpMethod.POST, "/api/filters", filter(filterId, 0.5), 200);
        Document loose = send(HttpMethod.POST, uri, "{\"object_ids\": [\"ZTF17aadcvhq\"]}", 200);
        assertThat(loose.getList("data", Document.class)).hasSize(1);
        assertThat(loose.getList("data", Document.class).get(0).getString("objectId"))
                .isEqualTo("ZTF17aadcvhq");

        // 24 alerts were taken at this JD, 2 of them with drb below 0.5.
        Document window =
                send(HttpMethod.POST, uri, "{\"start_date\": " + START_JD + ", \"end_date\": 2460230.9338542}", 200);
        assertThat(window.getList("data", Document.class)).hasSize(22);

        Document earlier =
                send(HttpMethod.POST, uri, "{\"start_date\": 2455229.9338542, \"end_date\": 2455230.9338542}", 200);
        assertThat(earlier.getList("data", Document.class)).isEmpty();

        Document tooLong =
                send(HttpMethod.POST, uri, "{\"start_date\": " + START_JD + ", \"end_date\": 2460231.9338542}", 400);
        assertThat(tooLong.getString("message")).contains("start_date and end_date must be within 1 day of each other");

        Document objectsAndMonth = send(
                HttpMethod.POST,
                uri,
                "{\"object_ids\": [\"ZTF17aadcvhq\"], \"start_date\": 2460215.0," + " \"end_date\": 2460245.0}",
                200);
        assertThat(objectsAndMonth.getList("data", Document.class)).hasSize(1);

        Document isoDates = send(
                HttpMethod.POST,
                uri,
                "{\"object_ids\": [\"ZTF17aadcvhq\"], \"start_date\": \"2023-10-01\","
                        + " \"end_date\": \"2023-10-31T00:00:00\"}",
                200);
        assertThat(isoDates.getList("data", Document.class)).hasSize(1);

        Document slow =
                send(HttpMethod.POST, uri, "{\"object_ids\": [\"ZTF17aadcvhq\"], \"max_time_ms\": 3000001}", 400);
        assertThat(slow.getString("message")).contains("max_time_ms must be less than 5 minutes (in ms: 300000)");

        Document none = send(HttpMethod.POST, uri, "{}", 400);
        assertThat(none.getString("message"))
                .isEqualTo("At least one of object_ids, start_date, or end_date is required");

        send(HttpMethod.DELETE, "/api/filters/" + filterId, null, 200);
    }

    @Test
    void candidStaysExactInFilterMatch() {
        int filterId = randomFilterId();
        String body =
                "{\"group_id\": 1, \"filter_id\": " + filterId + ", \"catalog\": \"ZTF_alerts\", \"permissions\": [1],"
                        + " \"pipeline\": [{\"$match\": {\"candid\": {\"$eq\": 1127561444715015009}}}]}";
        send(HttpMethod.POST, "/api/filters", body, 200);

        Document result = send(
                HttpMethod.POST, "/api/filters/" + filterId + "/test", "{\"object_ids\": [\"ZTF20aakyoez\"]}", 200);

        List<Document> alerts = result.getList("data", Document.class);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0)
                        .toJson(JsonWriterSettings.builder()
                                .outputMode(JsonMode.RELAXED)
                                .build()))
                .contains("\"candid\": 1127561444715015009");
        send(HttpMethod.DELETE, "/api/filters/" + filterId, null, 200);
    }

    @Test
    void nonAdminIsForbidden() {
        client.get()
                .uri("/api/filters/1")
                .header(HttpHeaders.AUTHORIZATION, api.tokenFor("someone"))
                .exchange()
                .expectStatus()
                .isForbidden();
    }
}
