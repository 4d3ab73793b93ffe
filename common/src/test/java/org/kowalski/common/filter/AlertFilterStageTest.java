package org.kowalski.common.filter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kowalski.common.alert.MongifiedAlert;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedMongoServer;
import org.kowalski.common.skyportal.SurveyProfile;
import org.kowalski.common.skyportal.Thumbnails;
import org.kowalski.common.testing.SkyPortalStandIn;
import org.kowalski.common.testing.TestConfigs;

/** The filter stage of a ZTF broker against the SkyPortal stand-in: outages, replays and follow-ups. */
class AlertFilterStageTest {

    private static EmbeddedMongoServer server;
    private static MongoClient client;
    private static com.mongodb.reactivestreams.client.MongoClient reactiveClient;
    private static MongoDatabase database;
    private static SkyPortalStandIn standIn;
    private static KowalskiConfig config;

    @BeforeAll
    static void start() {
        server = EmbeddedMongoServer.start(null, 0);
        client = MongoClients.create(server.connectionString());
        reactiveClient = com.mongodb.reactivestreams.client.MongoClients.create(server.connectionString());
        database = client.getDatabase("kowalski");
        standIn = SkyPortalStandIn.launch();
        standIn.addGroup(11, "Program A", null, Map.of(1L, "filter A", 3L, "filter A2"));
        standIn.addGroup(12, "Program B", "B", Map.of(2L, "filter B"));
        standIn.addGroup(13, "Sitewide Group", null, Map.of(4L, "sitewide filter"));
        Map<String, Object> skyportal = new HashMap<>(standIn.skyportalConfig());
        skyportal.put("outbox_poll_interval_ms", 50);
        skyportal.put("retry_initial_delay_ms", 100);
        skyportal.put("retry_max_delay_ms", 400);
        skyportal.put("timeout_ms", 3000);
        config = TestConfigs.embedded(
                Map.of("misc", Map.of("broker", true, "filter_check_interval_ms", 100), "skyportal", skyportal));
    }

    @AfterAll
    static void stop() {
        standIn.close();
        reactiveClient.close();
        client.close();
        server.close();
    }

    @BeforeEach
    void clean() {
        for (String name : List.of("ZTF_alerts", "ZTF_alerts_aux", "filters", "skyportal_outbox")) {
            database.getCollection(name).deleteMany(new Document());
        }
        standIn.clearRequests();
    }

    private static AlertFilterStage stage(SimpleMeterRegistry meters) {
        return AlertFilterStage.create(
                config,
                reactiveClient.getDatabase("kowalski"),
                SurveyProfile.ZTF,
                meters,
                new Thumbnails(),
                Clock.systemUTC());
    }

    private static Document filter(int filterId, int groupId, String pipeline) {
        return new Document("filter_id", filterId)
                .append("group_id", groupId)
                .append("catalog", "ZTF_alerts")
                .append("permissions", List.of(1, 2, 3))
                .append("active", true)
                .append("active_fid", "v1v1v1")
                .append("autosave", false)
                .append("update_annotations", false)
                .append("fv", List.of(new Document("fid", "v1v1v1").append("pipeline", pipeline)));
    }

    private static long pending() {
        return database.getCollection("skyportal_outbox").countDocuments(new Document("status", "pending"));
    }

    @Test
    void outageLosesNothingAndReplayPostsNothing() throws Exception {
        List<MongifiedAlert> samples = SampleAlerts.readFolder("data/ztf_alerts/20200202");
        List<Document> stored = new ArrayList<>();
        for (MongifiedAlert sample : samples) {
            SampleAlerts.store(database, "ZTF", sample, 1);
            stored.add(sample.alert());
        }
        database.getCollection("filters")
                .insertOne(filter(
                        1,
                        11,
                        "[{\"$match\": {}},"
                                + " {\"$addFields\": {\"annotations\": {\"magpsf\": \"$candidate.magpsf\"}}}]"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        standIn.stop();

        try (AlertFilterStage stage = stage(meters)) {
            stage.start();
            Map<Long, List<PassedFilter>> passed = stage.process(stored).block();

            // Every alert passed and carries its result, although SkyPortal is down.
            assertThat(passed).hasSize(12);
            assertThat(passed.values())
                    .allSatisfy(results -> assertThat(results).hasSize(1));
            assertThat(database.getCollection("ZTF_alerts").countDocuments(new Document("passed_filters.filter_id", 1)))
                    .isEqualTo(12);
            waitFor(() -> meters.find("kowalski.skyportal.outbox.attempts")
                            .tag("outcome", "retry")
                            .counter()
                    != null);
            assertThat(pending()).isEqualTo(12);
            // The size gauge is refreshed by the dispatcher thread, so it can lag the collection.
            waitFor(() -> meters.get("kowalski.skyportal.outbox.size").gauge().value() == 12);
            assertThat(meters.get("kowalski.skyportal.outbox.size").gauge().value())
                    .isEqualTo(12);

            standIn.start();
            waitFor(() -> pending() == 0);
            assertThat(pending()).isZero();
        }

        // Each post arrived once: 12 candidates, and one photometry PUT, three thumbnails and one
        // annotation per object (ZTF20aajcdad has two alerts: the second posts its photometry only).
        List<SkyPortalStandIn.Request> candidates = standIn.requests("POST", "/api/candidates");
        assertThat(candidates).hasSize(12);
        Set<Object> candids = new HashSet<>();
        candidates.forEach(request -> candids.add(request.json().get("passing_alert_id")));
        assertThat(candids).hasSize(12);

        List<SkyPortalStandIn.Request> photometry = standIn.requests("PUT", "/api/photometry");
        assertThat(photometry).hasSize(12);
        assertThat(photometry.stream().map(request -> request.json().toString()).distinct())
                .hasSize(12);
        assertThat(photometry.stream()
                        .map(request -> request.json().get("obj_id"))
                        .distinct())
                .hasSize(11);

        List<SkyPortalStandIn.Request> thumbnails = standIn.requests("POST", "/api/thumbnail");
        assertThat(thumbnails).hasSize(33);
        assertThat(thumbnails.stream()
                        .map(request -> request.json().get("obj_id") + " "
                                + request.json().get("ttype"))
                        .distinct())
                .hasSize(33);
        assertThat(thumbnails.stream().map(request -> request.json().get("ttype")))
                .containsOnly("new", "ref", "sub");
        for (SkyPortalStandIn.Request thumbnail : thumbnails) {
            assertPng(thumbnail);
        }

        List<SkyPortalStandIn.Request> annotations = standIn.requests("POST", "/api/sources/[^/]+/annotations");
        assertThat(annotations).hasSize(11);
        assertThat(annotations.stream().map(SkyPortalStandIn.Request::path).distinct())
                .hasSize(11);
        assertThat(annotations.get(0).json().get("origin")).isEqualTo("Program A:filter A");

        // Processing the same alerts again posts nothing.
        standIn.clearRequests();
        try (AlertFilterStage stage = stage(new SimpleMeterRegistry())) {
            stage.process(stored).block();
            stage.outbox().dispatchRound();
        }
        assertThat(standIn.requests()).isEmpty();
        assertThat(pending()).isZero();
    }

    @Test
    void passingFilterPostsThreeThumbnails() throws Exception {
        MongifiedAlert sample =
                renamed(SampleAlerts.read("data/ztf_alerts/20200202/1127561445515015011.avro"), "ZTF20thumbnails");
        SampleAlerts.store(database, "ZTF", sample, 1);
        database.getCollection("filters").insertOne(filter(1, 11, "[{\"$match\": {}}]"));

        try (AlertFilterStage stage = stage(new SimpleMeterRegistry())) {
            stage.process(List.of(sample.alert())).block();
            stage.outbox().dispatchRound();
            waitFor(() -> pending() == 0);
        }

        List<SkyPortalStandIn.Request> thumbnails = standIn.requests("POST", "/api/thumbnail");
        assertThat(thumbnails)
                .extracting(request -> request.json().get("ttype"))
                .containsExactly("new", "ref", "sub");
        assertThat(thumbnails)
                .extracting(request -> request.json().get("obj_id"))
                .containsOnly(sample.objectId());
        for (SkyPortalStandIn.Request thumbnail : thumbnails) {
            assertPng(thumbnail);
        }
    }

    @Test
    void brokenCutoutSkipsOnlyItsThumbnail() throws Exception {
        MongifiedAlert sample =
                renamed(SampleAlerts.read("data/ztf_alerts/20200202/1127561445515015011.avro"), "ZTF20brokencutout");
        SampleAlerts.store(database, "ZTF", sample, 1);
        database.getCollection("ZTF_alerts")
                .updateOne(
                        new Document("candid", sample.candid()),
                        new Document(
                                "$set",
                                new Document("cutoutScience.stampData", new Binary("not FITS".getBytes(UTF_8)))));
        database.getCollection("filters").insertOne(filter(1, 11, "[{\"$match\": {}}]"));

        try (AlertFilterStage stage = stage(new SimpleMeterRegistry())) {
            stage.process(List.of(sample.alert())).block();
            stage.outbox().dispatchRound();
            waitFor(() -> pending() == 0);
        }

        // The science thumbnail fails to decode, is logged and marked failed; the other two are posted.
        assertThat(standIn.requests("POST", "/api/thumbnail"))
                .extracting(request -> request.json().get("ttype"))
                .containsExactly("ref", "sub");
        Document job = database.getCollection("skyportal_outbox").find().first();
        assertThat(job.get("steps", Document.class).getString("thumbnail:new")).isEqualTo("failed");
        assertThat(job.get("steps", Document.class).getString("thumbnail:ref")).isEqualTo("done");
        assertThat(standIn.requests("POST", "/api/candidates")).hasSize(1);
    }

    /** Returns the alert under another object id, which the stand-in has not seen in other tests. */
    private static MongifiedAlert renamed(MongifiedAlert sample, String objectId) {
        Document alert = new Document(sample.alert()).append("objectId", objectId);
        return new MongifiedAlert(
                sample.candid(), objectId, alert, sample.prvCandidates(), sample.fpHists(), sample.hasFpHists());
    }

    /** Asserts that a thumbnail request's data is base64 of a 168x168 PNG. */
    private static void assertPng(SkyPortalStandIn.Request thumbnail) throws IOException {
        byte[] png = Base64.getDecoder().decode((String) thumbnail.json().get("data"));
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png));
        String label = thumbnail.json().get("obj_id") + " " + thumbnail.json().get("ttype");
        assertThat(picture).as(label).isNotNull();
        assertThat(picture.getWidth()).as(label).isEqualTo(168);
        assertThat(picture.getHeight()).as(label).isEqualTo(168);
    }

    /** A filter of the follow-up scenario: every alert passes, autosave on, an SEDM request with a priority. */
    private static Document followupFilter(
            int filterId,
            int groupId,
            double priority,
            String order,
            boolean implementsUpdate,
            Object autosave,
            List<Integer> targetGroupIds) {
        Document followup = new Document("active", true)
                .append("pipeline", "[{\"$match\": {}}]")
                .append("allocation_id", 1)
                .append("payload", new Document("observation_type", "IFU").append("priority", priority))
                .append("priority_order", order)
                .append("implements_update", implementsUpdate)
                .append("target_group_ids", targetGroupIds)
                .append("comment", "auto follow-up");
        return filter(filterId, groupId, "[{\"$match\": {}}]")
                .append("autosave", autosave)
                .append("auto_followup", followup);
    }

    /** Replaces the active filters, then filters and posts the alert again as a fresh alert would be. */
    private static void rerun(AlertFilterStage stage, Document alert, Document... filters) throws InterruptedException {
        database.getCollection("filters").deleteMany(new Document());
        for (Document filter : filters) {
            database.getCollection("filters").insertOne(filter);
        }
        stage.filters().reload().block();
        database.getCollection("skyportal_outbox").deleteMany(new Document());
        stage.process(List.of(alert)).block();
        while (stage.outbox().dispatchRound() > 0) {
            // Posts one object at a time; a single alert needs one round.
        }
        // The stage's own dispatcher may hold the entry's lease, so wait for it to finish the post.
        waitFor(() -> pending() == 0);
        assertThat(pending()).isZero();
    }

    private static List<Map<String, Object>> submitted(String objectId) {
        return standIn.followupRequests(objectId).stream()
                .filter(request -> "submitted".equals(request.get("status")))
                .toList();
    }

    private static double priority(Map<String, Object> request) {
        return ((Number) ((Map<?, ?>) request.get("payload")).get("priority")).doubleValue();
    }

    @Test
    void followupScenarioKeepsOneRequest() throws InterruptedException {
        MongifiedAlert sample = SampleAlerts.read("data/ztf_alerts/20200202/1127561445515015011.avro");
        SampleAlerts.store(database, "ZTF", sample, 1);
        String objectId = sample.objectId();
        Document alert = sample.alert();
        Document autosave = new Document("active", true);

        try (AlertFilterStage stage = stage(new SimpleMeterRegistry())) {
            // Two filters with priorities 2 and 3 leave one submitted request, at 3.
            rerun(
                    stage,
                    alert,
                    followupFilter(1, 11, 2, "asc", true, autosave, List.of()),
                    followupFilter(3, 11, 3, "asc", true, autosave, List.of()));
            List<Map<String, Object>> requests = submitted(objectId);
            assertThat(requests).hasSize(1);
            assertThat(priority(requests.get(0))).isEqualTo(3);
            Object requestId = requests.get(0).get("id");
            assertThat(standIn.sourceGroups(objectId)).containsExactly(11L);
            assertThat(standIn.requests("POST", "/api/followup_request")).hasSize(1);
            assertThat(standIn.comments(objectId))
                    .extracting(comment -> comment.get("text"))
                    .containsExactly("auto follow-up (priority: 3.0)");

            // Priority 4 without updates keeps 3; with updates it becomes 4, same request.
            rerun(stage, alert, followupFilter(1, 11, 4, "asc", false, autosave, List.of()));
            assertThat(priority(submitted(objectId).get(0))).isEqualTo(3);
            rerun(stage, alert, followupFilter(1, 11, 4, "asc", true, autosave, List.of()));
            assertThat(submitted(objectId)).hasSize(1);
            assertThat(submitted(objectId).get(0).get("id")).isEqualTo(requestId);
            assertThat(priority(submitted(objectId).get(0))).isEqualTo(4);

            // A lower priority in ascending order changes nothing; in descending order 1 wins.
            rerun(stage, alert, followupFilter(1, 11, 3, "asc", true, autosave, List.of()));
            assertThat(priority(submitted(objectId).get(0))).isEqualTo(4);
            rerun(stage, alert, followupFilter(1, 11, 1, "desc", true, autosave, List.of()));
            assertThat(priority(submitted(objectId).get(0))).isEqualTo(1);

            // A Sitewide filter targeting Program A updates the same request to 2.
            rerun(stage, alert, followupFilter(4, 13, 2, "asc", true, autosave, List.of(11)));
            assertThat(submitted(objectId)).hasSize(1);
            assertThat(submitted(objectId).get(0).get("id")).isEqualTo(requestId);
            assertThat(priority(submitted(objectId).get(0))).isEqualTo(2);
            assertThat(standIn.requests("POST", "/api/followup_request")).hasSize(1);
            assertThat(standIn.requests("PUT", "/api/followup_request/\\d+")).hasSize(3);

            // After the request is deleted, a Program B filter that ignores sources of Program A neither
            // saves the source to Program B nor creates a request.
            standIn.deleteFollowupRequest(((Number) requestId).longValue());
            rerun(
                    stage,
                    alert,
                    followupFilter(
                            2,
                            12,
                            2,
                            "asc",
                            true,
                            new Document("active", true).append("ignore_group_ids", List.of(11)),
                            List.of()));
            assertThat(standIn.sourceGroups(objectId)).doesNotContain(12L);
            assertThat(submitted(objectId)).isEmpty();

            // A classified object gets no request, but the source stays saved.
            standIn.addClassification(objectId, "Ia", 0.8);
            rerun(stage, alert, followupFilter(1, 11, 2, "asc", true, autosave, List.of()));
            assertThat(standIn.sourceGroups(objectId)).contains(11L);
            assertThat(submitted(objectId)).isEmpty();

            // Unsaved and unclassified: the deleted request still blocks a new one; the source is saved to
            // Program A only.
            standIn.unsaveSource(objectId, 11);
            standIn.deleteClassifications(objectId);
            standIn.clearRequests();
            rerun(stage, alert, followupFilter(1, 11, 2, "asc", true, autosave, List.of()));
            assertThat(submitted(objectId)).isEmpty();
            assertThat(standIn.requests("POST", "/api/followup_request")).isEmpty();
            List<SkyPortalStandIn.Request> saves = standIn.requests("POST", "/api/sources");
            assertThat(saves).hasSize(1);
            assertThat(saves.get(0).json().get("group_ids")).isEqualTo(List.of(11));
            assertThat(standIn.sourceGroups(objectId)).contains(11L);
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
