package org.kowalski.common.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.common.alert.MongifiedAlert;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedMongoServer;
import org.kowalski.common.testing.TestConfigs;

/** The original's filter tests on the ZTF sample alerts, and batch runs against alert-by-alert runs. */
class FilterRunnerTest {

    private static final String FIXTURE = "data/ztf_alerts/20200202/1127561445515015011.avro";
    private static final String FP_FIXTURE = "data/ztf_alerts/20231012/2475433850015010009.avro";
    private static final KowalskiConfig CONFIG = TestConfigs.embedded();

    private static EmbeddedMongoServer server;
    private static MongoClient client;
    private static com.mongodb.reactivestreams.client.MongoClient reactiveClient;
    private static MongoDatabase database;
    private static FilterRunner runner;
    private static SimpleMeterRegistry meters;

    @BeforeAll
    static void startStore() {
        server = EmbeddedMongoServer.start(null, 0);
        client = MongoClients.create(server.connectionString());
        reactiveClient = com.mongodb.reactivestreams.client.MongoClients.create(server.connectionString());
        database = client.getDatabase("kowalski");
        meters = new SimpleMeterRegistry();
        runner = new FilterRunner(
                reactiveClient.getDatabase("kowalski").getCollection("ZTF_alerts"),
                "ZTF",
                Duration.ofSeconds(5),
                meters,
                Clock.systemUTC());
    }

    @AfterAll
    static void stopStore() {
        reactiveClient.close();
        client.close();
        server.close();
    }

    /**
     * The original's test filter: drb > 0.5, two annotations, and a projection. The annotations are
     * written as a nested document instead of the original's dotted paths ("annotations.author"), because
     * the embedded store takes a dotted name in $addFields as a literal top-level field name.
     */
    static List<Document> templateStages() {
        return FilterPipelines.parse("[{\"$match\": {\"candidate.drb\": {\"$gt\": 0.5}}},"
                + " {\"$addFields\": {\"annotations\": {\"author\": \"dd\","
                + " \"mean_rb\": {\"$avg\": \"$prv_candidates.rb\"}}}},"
                + " {\"$project\": {\"_id\": 0, \"candid\": 1, \"objectId\": 1, \"annotations\": 1,"
                + " \"t_now\": \"$candidate.jd\"}}]");
    }

    static Document filterDocument(List<Document> stages, Object autosave, Document autoFollowup) {
        Document filter = new Document("filter_id", 1)
                .append("group_id", 2)
                .append("catalog", "ZTF_alerts")
                .append("permissions", List.of(0, 1, 2, 3))
                .append("active", true)
                .append("active_fid", "r4nd0m")
                .append("update_annotations", false)
                .append("fv", List.of(new Document("fid", "r4nd0m").append("pipeline", toJson(stages))));
        if (autosave != null) {
            filter.append("autosave", autosave);
        }
        if (autoFollowup != null) {
            filter.append("auto_followup", autoFollowup);
        }
        return filter;
    }

    static String toJson(List<Document> stages) {
        return new Document("p", stages)
                .toJson()
                .replaceFirst("^\\{\"p\": ", "")
                .replaceFirst("}$", "");
    }

    private static ActiveFilter load(Document filter) {
        return ActiveFilterLoader.fromDocument(
                filter,
                FilterPipelines.upstream(CONFIG, "ZTF_alerts"),
                ActiveFilterLoader.guard(CONFIG.systemCollections()));
    }

    private static List<PassedFilter> run(ActiveFilter filter, MongifiedAlert sample) {
        return runner.run(List.of(filter), Map.of(sample.candid(), sample.objectId()))
                .block()
                .get(sample.candid());
    }

    @Test
    void drbFilterPasses() {
        MongifiedAlert sample = SampleAlerts.read(FIXTURE);
        SampleAlerts.store(database, "ZTF", sample, 1);

        List<PassedFilter> passed = run(load(filterDocument(templateStages(), false, null)), sample);

        assertThat(passed).hasSize(1);
        PassedFilter result = passed.get(0);
        assertThat(result.filterId()).isEqualTo(1);
        assertThat(result.groupId()).isEqualTo(2);
        assertThat(result.fid()).isEqualTo("r4nd0m");
        assertThat(result.data().get("candid")).isEqualTo(1127561445515015011L);
        assertThat(result.annotations().getString("author")).isEqualTo("dd");
        assertThat(result.annotations().get("mean_rb")).isInstanceOf(Double.class);
        assertThat(result.autosave()).isEqualTo(false);
    }

    @Test
    void autosaveFiveForms() {
        MongifiedAlert sample = SampleAlerts.read(FIXTURE);
        SampleAlerts.store(database, "ZTF", sample, 1);
        List<Document> stages = templateStages();

        List<PassedFilter> asFalse = run(load(filterDocument(stages, false, null)), sample);
        List<PassedFilter> asTrue = run(load(filterDocument(stages, true, null)), sample);
        List<PassedFilter> withComment = run(
                load(filterDocument(
                        stages, new Document("active", true).append("comment", "Saved to BTS by BTSbot."), null)),
                sample);
        List<PassedFilter> withSaver =
                run(load(filterDocument(stages, new Document("active", true).append("saver_id", 1), null)), sample);
        List<PassedFilter> missing = run(load(filterDocument(stages, null, null)), sample);

        assertThat(asFalse).hasSize(1);
        assertThat(asFalse.get(0).autosave()).isEqualTo(false);
        assertThat(asTrue).hasSize(1);
        assertThat(asTrue.get(0).autosave()).isEqualTo(true);
        assertThat(withComment).hasSize(1);
        assertThat(withComment.get(0).autosaveDocument().getString("comment")).isEqualTo("Saved to BTS by BTSbot.");
        assertThat(withSaver).hasSize(1);
        assertThat(withSaver.get(0).autosaveDocument().get("saver_id")).isEqualTo(1);
        assertThat(missing).hasSize(1);
        assertThat(missing.get(0).autosave()).isEqualTo(false);
    }

    @Test
    void autosavePipelineDecides() {
        MongifiedAlert sample = SampleAlerts.read(FIXTURE);
        SampleAlerts.store(database, "ZTF", sample, 1);
        Document passing = new Document("active", true)
                .append("comment", "kept")
                .append("pipeline", "[{\"$match\": {\"candidate.drb\": {\"$gt\": 0.9}}}]");
        Document failing =
                new Document("active", true).append("pipeline", "[{\"$match\": {\"candidate.drb\": {\"$gt\": 2}}}]");

        List<PassedFilter> saved = run(load(filterDocument(templateStages(), passing, null)), sample);
        List<PassedFilter> notSaved = run(load(filterDocument(templateStages(), failing, null)), sample);

        assertThat(saved.get(0).autosaveDocument().getString("comment")).isEqualTo("kept");
        assertThat(notSaved).hasSize(1);
        assertThat(notSaved.get(0).autosave()).isNull();
        assertThat(notSaved.get(0).autosaves()).isFalse();
    }

    @Test
    void followupPriorityValidityRadius() {
        MongifiedAlert sample = SampleAlerts.read(FIXTURE);
        SampleAlerts.store(database, "ZTF", sample, 1);
        Document followup = new Document("active", true)
                .append("pipeline", "[{\"$match\": {\"candidate.drb\": {\"$gt\": 0.5}}}]")
                .append("allocation_id", 1)
                .append("payload", new Document("observation_type", "IFU").append("priority", 3))
                .append("radius", 1.0)
                .append("validity_days", 3);

        List<PassedFilter> passed = run(load(filterDocument(templateStages(), true, followup)), sample);

        assertThat(passed).hasSize(1);
        Document request = passed.get(0).autoFollowup();
        Document data = request.get("data", Document.class);
        Document payload = data.get("payload", Document.class);
        assertThat(payload.getString("observation_type")).isEqualTo("IFU");
        assertThat(payload.get("priority")).isEqualTo(3.0);
        assertThat(data.get("radius")).isEqualTo(1.0);
        LocalDateTime start = LocalDateTime.parse(payload.getString("start_date"));
        LocalDateTime end = LocalDateTime.parse(payload.getString("end_date"));
        assertThat(Duration.between(start, end)).isEqualTo(Duration.ofDays(3));
        assertThat(data.get("obj_id")).isEqualTo("ZTF20aajcbhr");
        assertThat(data.get("target_group_ids")).isEqualTo(List.of(2));
        assertThat(data.get("source_group_ids")).isEqualTo(List.of(2));
        assertThat(data.get("not_if_classified")).isEqualTo(true);
        assertThat(request.getString("priority_alias")).isEqualTo("priority");
    }

    @Test
    void followupUrgencyHasNoDates() {
        MongifiedAlert sample = SampleAlerts.read(FIXTURE);
        SampleAlerts.store(database, "ZTF", sample, 1);
        Document followup = new Document("active", true)
                .append("pipeline", "[{\"$match\": {\"candidate.drb\": {\"$gt\": 0.5}}}]")
                .append("allocation_id", 1)
                .append("payload", new Document("observation_type", "test").append("urgency", 1));

        List<PassedFilter> passed = run(load(filterDocument(templateStages(), true, followup)), sample);

        Document payload =
                passed.get(0).autoFollowup().get("data", Document.class).get("payload", Document.class);
        assertThat(payload.get("urgency")).isEqualTo(1.0);
        assertThat(payload.containsKey("start_date")).isFalse();
        assertThat(payload.containsKey("end_date")).isFalse();
        assertThat(payload.containsKey("priority")).isFalse();
        assertThat(passed.get(0).autoFollowup().getString("priority_alias")).isEqualTo("urgency");
    }

    @Test
    void followupPipelineOverridesPayloadAndComment() {
        MongifiedAlert sample = SampleAlerts.read(FIXTURE);
        SampleAlerts.store(database, "ZTF", sample, 1);
        Document followup = new Document("active", true)
                .append(
                        "pipeline",
                        "[{\"$match\": {\"candidate.drb\": {\"$gt\": 0.5}}},"
                                + " {\"$addFields\": {\"payload\": {\"observation_type\": \"imaging\", \"urgency\": 5,"
                                + " \"not_in_filter\": 1}, \"comment\": \"Overwritten by pipeline\"}}]")
                .append("allocation_id", 1)
                .append("payload", new Document("observation_type", "test").append("urgency", 1));

        List<PassedFilter> passed = run(load(filterDocument(templateStages(), true, followup)), sample);

        Document request = passed.get(0).autoFollowup();
        Document payload = request.get("data", Document.class).get("payload", Document.class);
        assertThat(payload.getString("observation_type")).isEqualTo("imaging");
        assertThat(payload.get("urgency")).isEqualTo(5);
        assertThat(payload.containsKey("not_in_filter")).isFalse();
        assertThat(request.getString("comment")).isEqualTo("Overwritten by pipeline (urgency: 5)");
    }

    @Test
    void invalidFollowupKeepsPass() {
        MongifiedAlert sample = SampleAlerts.read(FIXTURE);
        SampleAlerts.store(database, "ZTF", sample, 1);
        Document followup = new Document("active", true)
                .append("pipeline", "[{\"$match\": {}}]")
                .append("allocation_id", 1)
                .append("payload", new Document("priority", "high"));

        List<PassedFilter> passed = run(load(filterDocument(templateStages(), true, followup)), sample);

        assertThat(passed).hasSize(1);
        assertThat(passed.get(0).autoFollowup()).isNull();
    }

    @Test
    void stationaryForcedPhotometryPasses() {
        MongifiedAlert sample = SampleAlerts.read(FP_FIXTURE);
        SampleAlerts.store(database, "ZTF", sample, 1);
        List<Document> stages = new ArrayList<>(templateStages());
        stages.add(
                2,
                Document.parse("{\"$addFields\": {\"stationary_fp\": {\"$anyElementTrue\": [{\"$map\": {"
                        + "\"input\": \"$fp_hists\", \"as\": \"p\", \"in\": {\"$and\": ["
                        + "{\"$gt\": [{\"$abs\": {\"$subtract\": [\"$candidate.jd\", \"$$p.jd\"]}}, 0.015]},"
                        + "{\"$gte\": [\"$$p.snr\", 3]}]}}}]}}}"));
        stages.add(3, Document.parse("{\"$match\": {\"stationary_fp\": true}}"));

        List<PassedFilter> passed = run(load(filterDocument(stages, false, null)), sample);

        assertThat(passed).hasSize(1);
        assertThat(passed.get(0).data().get("candid")).isEqualTo(2475433850015010009L);
    }

    @Test
    void batchMatchesSingleRuns() {
        List<MongifiedAlert> samples = new ArrayList<>(SampleAlerts.readFolder("data/ztf_alerts/20200202"));
        samples.addAll(SampleAlerts.readFolder("data/ztf_alerts/20231012").subList(0, 4));
        Map<Long, String> objectIds = new LinkedHashMap<>();
        for (MongifiedAlert sample : samples) {
            SampleAlerts.store(database, "ZTF", sample, 1);
            objectIds.put(sample.candid(), sample.objectId());
        }
        List<List<Document>> pipelines = List.of(
                templateStages(),
                FilterPipelines.parse(
                        "[{\"$match\": {\"candidate.magpsf\": {\"$lt\": 19}}},"
                                + " {\"$unwind\": \"$prv_candidates\"}, {\"$match\": {\"prv_candidates.magpsf\": {\"$lt\": 18}}}]"),
                FilterPipelines.parse("[{\"$project\": {\"_id\": 0, \"prv_candidates\": 0}},"
                        + " {\"$match\": {\"candidate.isdiffpos\": \"t\"}}, {\"$unset\": \"cross_matches\"}]"),
                FilterPipelines.parse("[{\"$match\": {\"candidate.drb\": {\"$gt\": 0.9}}}, {\"$limit\": 1}]"));
        List<ActiveFilter> filters = new ArrayList<>();
        for (int i = 0; i < pipelines.size(); i++) {
            Document filter = filterDocument(pipelines.get(i), true, null).append("filter_id", i + 1);
            filters.add(load(filter));
        }

        Map<Long, List<PassedFilter>> batch = runner.run(filters, objectIds).block();
        Map<Long, List<PassedFilter>> single = new LinkedHashMap<>();
        for (Map.Entry<Long, String> alert : objectIds.entrySet()) {
            single.putAll(runner.run(filters, Map.of(alert.getKey(), alert.getValue()))
                    .block());
        }

        assertThat(filters.get(0).pipeline().batchable()).isTrue();
        assertThat(filters.get(1).pipeline().batchable()).isTrue();
        assertThat(filters.get(2).pipeline().batchable()).isTrue();
        assertThat(filters.get(3).pipeline().batchable()).isFalse();
        assertThat(batch.keySet()).isEqualTo(single.keySet());
        int passes = 0;
        for (Long candid : objectIds.keySet()) {
            List<String> batchResults =
                    batch.get(candid).stream().map(FilterRunnerTest::describe).toList();
            List<String> singleResults =
                    single.get(candid).stream().map(FilterRunnerTest::describe).toList();
            assertThat(batchResults).as("candid %d", candid).isEqualTo(singleResults);
            passes += batchResults.size();
        }
        assertThat(passes).isGreaterThan(objectIds.size());
    }

    private static String describe(PassedFilter passed) {
        return passed.filterId() + " " + passed.data().toJson();
    }
}
