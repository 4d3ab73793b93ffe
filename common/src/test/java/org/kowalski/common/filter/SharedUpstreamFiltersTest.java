package org.kowalski.common.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kowalski.common.alert.MongifiedAlert;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedMongoServer;
import org.kowalski.common.mongo.CollectionInitializer;
import org.kowalski.common.skyportal.SurveyProfile;
import org.kowalski.common.skyportal.Thumbnails;
import org.kowalski.common.testing.TestConfigs;

/**
 * Twenty-five filters that share their upstream stages, of the kinds the benchmark runs, pass the same
 * sample alerts with the same documents on the embedded store as on a plain mongo-java-server H2 store.
 * They also do when writes come between two runs on the same batch.
 */
class SharedUpstreamFiltersTest {

    private static final List<String> FOLDERS = List.of("data/ztf_alerts/20200202", "data/ztf_alerts/20231012");

    private static final KowalskiConfig CONFIG = TestConfigs.embedded();

    private static EmbeddedMongoServer embeddedServer;
    private static MongoServer plainServer;
    private static Store embedded;
    private static Store plain;
    private static List<MongifiedAlert> samples;
    private static List<List<Document>> batches;

    /** One store with its clients and the filter stage that runs on it. */
    private record Store(
            MongoClient client,
            com.mongodb.reactivestreams.client.MongoClient reactiveClient,
            MongoDatabase database,
            AlertFilterStage stage) {

        static Store connect(String connectionString) {
            MongoClient client = MongoClients.create(connectionString);
            com.mongodb.reactivestreams.client.MongoClient reactiveClient =
                    com.mongodb.reactivestreams.client.MongoClients.create(connectionString);
            // The collections and indexes that every service creates at start-up, such as the unique candid index.
            CollectionInitializer.initialize(reactiveClient.getDatabase("kowalski"), CONFIG);
            AlertFilterStage stage = AlertFilterStage.create(
                    CONFIG,
                    reactiveClient.getDatabase("kowalski"),
                    SurveyProfile.ZTF,
                    new SimpleMeterRegistry(),
                    new Thumbnails(),
                    Clock.systemUTC());
            return new Store(client, reactiveClient, client.getDatabase("kowalski"), stage);
        }

        /** Returns each candid's passed filters as {@code filter_id} and the passed document. */
        Map<Long, List<Document>> process(List<Document> alerts) {
            Map<Long, List<Document>> results = new LinkedHashMap<>();
            stage.process(alerts).block().forEach((candid, passed) -> {
                List<Document> found = new ArrayList<>();
                passed.forEach(result ->
                        found.add(new Document("filter_id", result.filterId()).append("data", result.data())));
                results.put(candid, found);
            });
            return results;
        }

        void close() {
            stage.close();
            reactiveClient.close();
            client.close();
        }
    }

    @BeforeAll
    static void start() {
        embeddedServer = EmbeddedMongoServer.start(null, 0);
        plainServer = new MongoServer(H2Backend.inMemory());
        plainServer.bind("127.0.0.1", 0);
        embedded = Store.connect(embeddedServer.connectionString());
        plain = Store.connect(
                "mongodb://127.0.0.1:" + plainServer.getLocalAddress().getPort());

        samples = new ArrayList<>();
        List<Document> stored = new ArrayList<>();
        for (String folder : FOLDERS) {
            for (MongifiedAlert sample : SampleAlerts.readFolder(folder)) {
                samples.add(sample);
                stored.add(sample.alert());
            }
        }
        batches = new ArrayList<>();
        for (int i = 0; i < stored.size(); i += 10) {
            batches.add(stored.subList(i, Math.min(i + 10, stored.size())));
        }
        for (Store store : List.of(embedded, plain)) {
            store.database().getCollection("filters").insertMany(filters());
            store.stage().start();
        }
    }

    @BeforeEach
    void storeSamples() {
        for (Store store : List.of(embedded, plain)) {
            store.database().getCollection("ZTF_alerts").deleteMany(new Document());
            store.database().getCollection("ZTF_alerts_aux").deleteMany(new Document());
            for (MongifiedAlert sample : samples) {
                SampleAlerts.store(store.database(), "ZTF", sample, 1);
            }
        }
    }

    @AfterAll
    static void stop() {
        embedded.close();
        plain.close();
        embeddedServer.close();
        plainServer.shutdownNow();
    }

    /**
     * Returns 25 active filters of program 1 in the form the filters API stores: cuts on drb and
     * isdiffpos, magnitude and detections, history length after an {@code $addFields}, galactic latitude
     * and rb, and braai, five of each kind with different thresholds.
     */
    private static List<Document> filters() {
        List<Document> filters = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String fid = String.format(Locale.ROOT, "sf%04d", i);
            String pipeline = switch (i % 5) {
                case 0 ->
                    "[{\"$match\": {\"candidate.drb\": {\"$gt\": " + (0.5 + 0.01 * i)
                            + "}, \"candidate.isdiffpos\": {\"$in\": [\"t\", \"1\"]}}},"
                            + " {\"$project\": {\"_id\": 0, \"candid\": 1, \"objectId\": 1}}]";
                case 1 ->
                    "[{\"$match\": {\"candidate.magpsf\": {\"$lt\": " + (18.0 + 0.1 * i)
                            + "}, \"candidate.ndethist\": {\"$gte\": 2}}},"
                            + " {\"$project\": {\"_id\": 0, \"candid\": 1, \"objectId\": 1, \"candidate.magpsf\": 1}}]";
                case 2 ->
                    "[{\"$addFields\": {\"n_prv\": {\"$size\": {\"$ifNull\": [\"$prv_candidates\", []]}}}},"
                            + " {\"$match\": {\"n_prv\": {\"$gte\": " + (i % 7) + "}}},"
                            + " {\"$project\": {\"_id\": 0, \"candid\": 1, \"objectId\": 1, \"n_prv\": 1}}]";
                case 3 ->
                    "[{\"$match\": {\"coordinates.b\": {\"$gt\": " + (-10 + i)
                            + "}, \"candidate.rb\": {\"$gt\": 0.3}}},"
                            + " {\"$project\": {\"_id\": 0, \"candid\": 1, \"objectId\": 1}}]";
                default ->
                    "[{\"$match\": {\"classifications.braai\": {\"$gt\": " + (0.1 + 0.02 * i) + "}}},"
                            + " {\"$project\": {\"_id\": 0, \"candid\": 1, \"objectId\": 1,"
                            + " \"annotations.braai\": \"$classifications.braai\"}}]";
            };
            filters.add(new Document("filter_id", 1000 + i)
                    .append("group_id", 100 + i)
                    .append("catalog", "ZTF_alerts")
                    .append("permissions", List.of(1, 2, 3))
                    .append("active", true)
                    .append("autosave", false)
                    .append("auto_followup", new Document())
                    .append("update_annotations", false)
                    .append("active_fid", fid)
                    .append("fv", List.of(new Document("fid", fid).append("pipeline", pipeline))));
        }
        return filters;
    }

    private static List<Integer> filterIds(List<Document> passed) {
        return passed.stream().map(result -> result.getInteger("filter_id")).toList();
    }

    @Test
    void benchFiltersMatchPlainStore() {
        Map<Long, List<Document>> all = new LinkedHashMap<>();
        for (List<Document> batch : batches) {
            Map<Long, List<Document>> results = embedded.process(batch);
            assertThat(results).isEqualTo(plain.process(batch));
            all.putAll(results);
        }

        assertThat(all).hasSize(36);
        assertThat(filterIds(all.get(1105522281015015000L)))
                .containsExactly(
                        1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1010, 1011, 1012, 1013, 1015, 1016, 1017, 1018,
                        1020, 1021, 1022, 1023);
        assertThat(filterIds(all.get(2475433850215010008L))).containsExactly(1002, 1007, 1012, 1017, 1021, 1022);
        assertThat(all.get(1105522281015015000L).get(1))
                .isEqualTo(new Document("filter_id", 1001)
                        .append(
                                "data",
                                new Document("candid", 1105522281015015000L)
                                        .append("objectId", "ZTF20aaelulu")
                                        .append("candidate", new Document("magpsf", 14.916227340698242))));
        // The samples have no ML scores, so the braai filters pass nothing.
        assertThat(all.values())
                .allSatisfy(passed -> assertThat(filterIds(passed)).doesNotContain(1004, 1009, 1014, 1019, 1024));
    }

    @Test
    void writesBetweenRunsMatchPlainStore() {
        List<Document> batch = batches.get(0);
        long candid = 1105522281015015000L;
        Map<Long, List<Document>> first = embedded.process(batch);
        assertThat(first).isEqualTo(plain.process(batch));

        // A new alert of another object and its history: other documents than the batch reads.
        for (Store store : List.of(embedded, plain)) {
            store.database()
                    .getCollection("ZTF_alerts")
                    .insertOne(new Document("candid", 42L)
                            .append("objectId", "ZTF99unrelated")
                            .append("candidate", new Document("programid", 1).append("magpsf", 12.0)));
            store.database()
                    .getCollection("ZTF_alerts_aux")
                    .insertOne(new Document("_id", "ZTF99unrelated").append("prv_candidates", List.of()));
        }
        assertThat(embedded.process(batch)).isEqualTo(plain.process(batch));

        // A fainter magnitude of one alert of the batch: the magnitude filters reject it now.
        for (Store store : List.of(embedded, plain)) {
            store.database()
                    .getCollection("ZTF_alerts")
                    .updateOne(Filters.eq("candid", candid), Updates.set("candidate.magpsf", 25.0));
        }
        Map<Long, List<Document>> fainter = embedded.process(batch);
        assertThat(fainter).isEqualTo(plain.process(batch));
        assertThat(filterIds(fainter.get(candid))).doesNotContain(1001, 1006, 1011, 1016, 1021);

        // Twenty more history points of its object: every history filter passes it.
        List<Document> points = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            points.add(new Document("jd", 2458881.5 + i).append("programid", 1).append("magpsf", 19.0));
        }
        for (Store store : List.of(embedded, plain)) {
            store.database()
                    .getCollection("ZTF_alerts_aux")
                    .updateOne(Filters.eq("_id", "ZTF20aaelulu"), Updates.pushEach("prv_candidates", points));
        }
        Map<Long, List<Document>> longer = embedded.process(batch);
        assertThat(longer).isEqualTo(plain.process(batch));
        assertThat(filterIds(longer.get(candid))).contains(1002, 1007, 1012, 1017, 1022);
        assertThat(historyLength(longer.get(candid))).isEqualTo(historyLength(first.get(candid)) + 20);
    }

    /** Returns the history length that filter 1002 passed, from its {@code n_prv} field. */
    private static int historyLength(List<Document> passed) {
        return passed.stream()
                .filter(result -> result.getInteger("filter_id") == 1002)
                .findFirst()
                .orElseThrow()
                .get("data", Document.class)
                .getInteger("n_prv");
    }
}
