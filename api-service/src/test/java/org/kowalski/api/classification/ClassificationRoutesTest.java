package org.kowalski.api.classification;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoDatabase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.RunningApi;
import org.kowalski.api.testing.ZtfArchive;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Human labels and ML scores of alerts through {@code /api/classifications}, against the running API. */
class ClassificationRoutesTest {

    private static WebTestClient client;
    private static String token;
    private static List<Document> alerts;

    @BeforeAll
    static void startApi() {
        RunningApi api = RunningApi.shared();
        client = api.client();
        token = api.tokenFor("classifier");
        alerts = ZtfArchive.load(api.bean(MongoDatabase.class), "ZTF_alerts");
    }

    private static WebTestClient.ResponseSpec send(HttpMethod method, String uri, String body, String authorization) {
        var request = client.method(method).uri(uri);
        if (authorization != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        if (body != null) {
            return request.contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange();
        }
        return request.exchange();
    }

    private static Document reply(WebTestClient.ResponseSpec response, int expectedStatus) {
        byte[] bytes = response.expectStatus()
                .isEqualTo(expectedStatus)
                .expectBody()
                .returnResult()
                .getResponseBodyContent();
        return Document.parse(new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void labelsAreAddedMergedAndRemoved() {
        Document alert = alerts.get(3);
        long candid = alert.getLong("candid");
        String uri = "/api/classifications/ztf/" + candid;

        Document added = reply(
                send(
                        HttpMethod.PUT,
                        "/api/classifications/ztf",
                        "{\"" + candid + "\": {\"human_labels\": {\"Ia\": 0.8, \"Ib\": 0.1}}}",
                        token),
                200);
        assertThat(added.getString("status")).isEqualTo("success");
        assertThat(added.getString("message")).isEqualTo("added classifications for ztf alerts");

        Document first = reply(send(HttpMethod.GET, uri, null, token), 200).get("data", Document.class);
        assertThat(first.get("candid")).isEqualTo(candid);
        assertThat(first.getString("objectId")).isEqualTo(alert.getString("objectId"));
        assertThat(first.get("human_labels", Document.class)).isEqualTo(new Document("Ia", 0.8).append("Ib", 0.1));

        reply(
                send(
                        HttpMethod.PUT,
                        "/api/classifications/ztf",
                        "{\"" + candid + "\": {\"human_labels\": {\"Ia\": 0.2, \"Ic\": 0.7}}}",
                        token),
                200);
        Document merged = reply(send(HttpMethod.GET, uri, null, token), 200).get("data", Document.class);
        assertThat(merged.get("human_labels", Document.class))
                .isEqualTo(new Document("Ia", 0.2).append("Ib", 0.1).append("Ic", 0.7));

        Document deleted = reply(
                send(
                        HttpMethod.DELETE,
                        "/api/classifications/ztf",
                        "{\"" + candid + "\": {\"human_labels\": [\"Ia\", \"Ic\"]}}",
                        token),
                200);
        assertThat(deleted.getString("message")).isEqualTo("deleted classifications for ztf alerts");
        Document remaining = reply(send(HttpMethod.GET, uri, null, token), 200).get("data", Document.class);
        assertThat(remaining.get("human_labels", Document.class)).isEqualTo(new Document("Ib", 0.1));
    }

    @Test
    void eachCandidKeepsItsOwnLabels() {
        long first = alerts.get(5).getLong("candid");
        long second = alerts.get(6).getLong("candid");

        reply(
                send(
                        HttpMethod.PUT,
                        "/api/classifications/ZTF",
                        "{\"" + first + "\": {\"ml_scores\": {\"braai\": 0.9}}," + " \"" + second
                                + "\": {\"ml_scores\": \"real,bogus\"}}",
                        token),
                200);

        Document firstScores = reply(send(HttpMethod.GET, "/api/classifications/ztf/" + first, null, token), 200)
                .get("data", Document.class);
        Document secondScores = reply(send(HttpMethod.GET, "/api/classifications/ztf/" + second, null, token), 200)
                .get("data", Document.class);
        assertThat(firstScores.get("ml_scores", Document.class)).isEqualTo(new Document("braai", 0.9));
        assertThat(secondScores.get("ml_scores", Document.class))
                .isEqualTo(new Document("bogus", 1.0).append("real", 1.0));
    }

    @Test
    void anonymousRequestsAreRejected() {
        long candid = alerts.get(0).getLong("candid");
        String body = "{\"" + candid + "\": {\"human_labels\": {\"Ia\": 1}}}";

        reply(send(HttpMethod.PUT, "/api/classifications/ztf", body, null), 401);
        reply(send(HttpMethod.DELETE, "/api/classifications/ztf", body, null), 401);
        reply(send(HttpMethod.GET, "/api/classifications/ztf/" + candid, null, null), 401);
    }

    @Test
    void invalidRequestsNameTheValue() {
        Document survey = reply(send(HttpMethod.PUT, "/api/classifications/lsst", "{}", token), 400);
        assertThat(survey.getString("message")).isEqualTo("survey lsst must be one of [ztf, wntr, pgir, turbo]");

        Document empty = reply(send(HttpMethod.PUT, "/api/classifications/ztf", "{}", token), 400);
        assertThat(empty.getString("message")).startsWith("no candid provided");

        Document noLabels = reply(
                send(
                        HttpMethod.PUT,
                        "/api/classifications/ztf",
                        "{\"" + alerts.get(0).getLong("candid") + "\": {}}",
                        token),
                400);
        assertThat(noLabels.getString("message")).contains("must provide at least one of human_labels or ml_scores");

        Document unknown = reply(
                send(HttpMethod.PUT, "/api/classifications/ztf", "{\"42\": {\"human_labels\": {\"Ia\": 1}}}", token),
                400);
        assertThat(unknown.getString("message"))
                .isEqualTo("not all alerts found in ztf collection: candids [42] have none");

        Document notNumber = reply(
                send(
                        HttpMethod.PUT,
                        "/api/classifications/ztf",
                        "{\"" + alerts.get(0).getLong("candid") + "\": {\"human_labels\": {\"Ia\": \"high\"}}}",
                        token),
                400);
        assertThat(notNumber.getString("message")).startsWith("Invalid human_labels value high of 'Ia'");

        Document noClassifications = reply(
                send(HttpMethod.PUT, "/api/classifications/pgir", "{\"1\": {\"human_labels\": {\"Ia\": 1}}}", token),
                400);
        assertThat(noClassifications.getString("message")).startsWith("survey pgir classifications not available");

        reply(send(HttpMethod.GET, "/api/classifications/ztf/12345", null, token), 404);
    }
}
