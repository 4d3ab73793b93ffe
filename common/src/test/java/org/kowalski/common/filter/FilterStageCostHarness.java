package org.kowalski.common.filter;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.UpdateOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.kowalski.common.alert.MongifiedAlert;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedMongoServer;
import org.kowalski.common.mongo.CollectionInitializer;
import org.kowalski.common.skyportal.SurveyProfile;
import org.kowalski.common.skyportal.Thumbnails;
import org.kowalski.common.testing.TestConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the cost per alert of the ZTF filter stage on the embedded store: 25 filters of the
 * benchmark's kinds on batches of 10 sample alerts, one batch at a time. It prints the medians of 5
 * rounds of wall time and of the process's CPU time per alert. With {@code -Dkowalski.filterCost.writer=true}
 * a second thread inserts an alert of another object and updates its aux document every 5 ms, as a
 * second consumer thread does. Not a test: it asserts nothing and runs only when asked for:
 *
 * <pre>
 * mvn -B -o -pl common surefire:test -Dtest=FilterStageCostHarness -Dkowalski.filterCost=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "kowalski.filterCost", matches = "true")
class FilterStageCostHarness {

    private static final Logger log = LoggerFactory.getLogger(FilterStageCostHarness.class);

    private static final int ROUNDS = 5;

    private static final int BATCHES_PER_ROUND = 40;

    @Test
    void measureFilterStage() throws Exception {
        boolean writer = Boolean.getBoolean("kowalski.filterCost.writer");
        KowalskiConfig config = TestConfigs.embedded(Map.of());
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(null, 0);
                MongoClient client = MongoClients.create(server.connectionString());
                com.mongodb.reactivestreams.client.MongoClient reactiveClient =
                        com.mongodb.reactivestreams.client.MongoClients.create(server.connectionString())) {
            CollectionInitializer.initialize(reactiveClient.getDatabase("kowalski"), config);
            MongoDatabase database = client.getDatabase("kowalski");
            List<List<Document>> batches = storeSamples(database);
            database.getCollection("filters").insertMany(filters());

            Thread writes = writer ? startWriter(database) : null;
            try (AlertFilterStage stage = AlertFilterStage.create(
                    config,
                    reactiveClient.getDatabase("kowalski"),
                    SurveyProfile.ZTF,
                    new SimpleMeterRegistry(),
                    new Thumbnails(),
                    Clock.systemUTC())) {
                stage.start();
                for (int i = 0; i < BATCHES_PER_ROUND; i++) {
                    stage.process(batches.get(i % batches.size())).block();
                }
                measure(stage, batches, writer);
            } finally {
                if (writes != null) {
                    writes.interrupt();
                    writes.join();
                }
            }
        }
    }

    private static void measure(AlertFilterStage stage, List<List<Document>> batches, boolean writer) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] wallMs = new double[ROUNDS];
        double[] cpuMs = new double[ROUNDS];
        double loadAverage = os.getSystemLoadAverage();
        for (int round = 0; round < ROUNDS; round++) {
            long cpuStart = os.getProcessCpuTime();
            long wallStart = System.nanoTime();
            int alerts = 0;
            for (int i = 0; i < BATCHES_PER_ROUND; i++) {
                List<Document> batch = batches.get(i % batches.size());
                stage.process(batch).block();
                alerts += batch.size();
            }
            wallMs[round] = (System.nanoTime() - wallStart) / 1e6 / alerts;
            cpuMs[round] = (os.getProcessCpuTime() - cpuStart) / 1e6 / alerts;
        }
        Arrays.sort(wallMs);
        Arrays.sort(cpuMs);
        log.info(
                "Filter stage, 25 filters, batches of 10, writer {}: median {} ms wall ({} to {}) and {} ms CPU"
                        + " ({} to {}) per alert over {} rounds; load average {} at the start",
                writer ? "on" : "off",
                format(wallMs[ROUNDS / 2]),
                format(wallMs[0]),
                format(wallMs[ROUNDS - 1]),
                format(cpuMs[ROUNDS / 2]),
                format(cpuMs[0]),
                format(cpuMs[ROUNDS - 1]),
                ROUNDS,
                format(loadAverage));
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** Stores the sample alerts of both nights with their aux documents and returns the full batches of 10. */
    private static List<List<Document>> storeSamples(MongoDatabase database) {
        List<Document> stored = new ArrayList<>();
        for (String folder : List.of("data/ztf_alerts/20200202", "data/ztf_alerts/20231012")) {
            for (MongifiedAlert sample : SampleAlerts.readFolder(folder)) {
                SampleAlerts.store(database, "ZTF", sample, 1);
                stored.add(sample.alert());
            }
        }
        List<List<Document>> batches = new ArrayList<>();
        for (int i = 0; i + 10 <= stored.size(); i += 10) {
            batches.add(stored.subList(i, i + 10));
        }
        return batches;
    }

    private static Thread startWriter(MongoDatabase database) {
        Thread writes = new Thread(
                () -> {
                    for (long n = 1; !Thread.currentThread().isInterrupted(); n++) {
                        String objectId = "ZTFharness" + n;
                        database.getCollection("ZTF_alerts")
                                .insertOne(new Document("candid", 900_000_000_000L + n)
                                        .append("objectId", objectId)
                                        .append("candidate", new Document("programid", 1)));
                        database.getCollection("ZTF_alerts_aux")
                                .updateOne(
                                        new Document("_id", objectId),
                                        new Document("$set", new Document("cross_matches", new Document())),
                                        new UpdateOptions().upsert(true));
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "filter-cost-writer");
        writes.setDaemon(true);
        writes.start();
        return writes;
    }

    /** Returns the 25 filters of the benchmark's run (d), as the filters API stores them. */
    private static List<Document> filters() {
        List<Document> filters = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String fid = String.format(Locale.ROOT, "bf%04d", i);
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
}
