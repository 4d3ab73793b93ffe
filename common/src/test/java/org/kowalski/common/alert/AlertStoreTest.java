package org.kowalski.common.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.WriteConcern;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kowalski.common.infra.EmbeddedMongoServer;
import org.kowalski.common.kafka.AlertStreamer;
import org.kowalski.common.testing.AlertFixtures;
import org.kowalski.common.testing.SharedData;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class AlertStoreTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static EmbeddedMongoServer server;
    private static MongoClient client;
    private static MongoDatabase database;

    private AlertStore store;

    @BeforeAll
    static void startStore() {
        server = EmbeddedMongoServer.start(null, 0);
        client = MongoClients.create(server.connectionString());
        database = client.getDatabase("alert_store_test");
    }

    @AfterAll
    static void stopStore() {
        client.close();
        server.close();
    }

    @BeforeEach
    void resetCollections() {
        Mono.from(database.drop()).block(TIMEOUT);
        Mono.from(database.getCollection("ZTF_alerts")
                        .createIndex(new Document("candid", -1), new IndexOptions().unique(true)))
                .block(TIMEOUT);
        store = new AlertStore(database, "ZTF_alerts", "ZTF_alerts_aux", true, WriteConcern.ACKNOWLEDGED);
    }

    @Test
    void insertsOnceAndReportsDuplicates() throws Exception {
        List<MongifiedAlert> batch = folder("data/ztf_alerts/20200202");

        AlertStore.InsertOutcome first = store.insertAlerts(batch).block(TIMEOUT);
        AlertStore.InsertOutcome second =
                store.insertAlerts(folder("data/ztf_alerts/20200202")).block(TIMEOUT);

        assertThat(first.inserted()).hasSize(12);
        assertThat(first.duplicates()).isEmpty();
        assertThat(second.inserted()).isEmpty();
        assertThat(second.duplicates()).hasSize(12);
        assertThat(count("ZTF_alerts")).isEqualTo(12);
    }

    @Test
    void reportsDuplicateInsideBatchAndRacingInsert() {
        MongifiedAlert alert = AlertMongifierTest.mongify("data/ztf_alerts/20200202/1127561445515015011.avro");
        MongifiedAlert copy = AlertMongifierTest.mongify("data/ztf_alerts/20200202/1127561445515015011.avro");
        MongifiedAlert other = AlertMongifierTest.mongify("data/ztf_alerts/20200202/1127561440015015001.avro");
        // An alert stored by another writer after the duplicate check: the unique index rejects it.
        Mono.from(database.getCollection("ZTF_alerts").insertOne(new Document("candid", other.candid())))
                .block(TIMEOUT);

        AlertStore.InsertOutcome outcome =
                store.insertAlerts(List.of(alert, copy, other)).block(TIMEOUT);

        assertThat(outcome.inserted()).containsExactly(alert.candid());
        assertThat(outcome.duplicates()).containsExactlyInAnyOrder(alert.candid(), other.candid());
        assertThat(outcome.failures()).isEmpty();
    }

    @Test
    void writesOneAuxDocumentPerObject() throws Exception {
        List<MongifiedAlert> batch = folder("data/ztf_alerts/20200202");

        List<AlertStore.AuxOutcome> outcomes =
                store.updateAux(batch, AlertStoreTest::noMatches).block(TIMEOUT);

        assertThat(count("ZTF_alerts_aux")).isEqualTo(11);
        assertThat(outcomes).hasSize(12);
        assertThat(outcomes.stream().filter(AlertStore.AuxOutcome::newObject)).hasSize(11);
        Document fixture = aux("ZTF20aajcbhr");
        assertThat(fixture.getList("prv_candidates", Document.class)).hasSize(31);
        // Schema 3.3 has no forced photometry, so the object starts without an fp_hists field.
        assertThat(fixture).doesNotContainKey("fp_hists");
        assertThat(fixture.get("cross_matches")).isEqualTo(new Document("catalog", List.of()));
        for (Document prv : fixture.getList("prv_candidates", Document.class)) {
            assertThat(prv.values()).doesNotContainNull();
        }

        // ZTF20aajcdad has two alerts: its history is the union of both packets' histories.
        Set<Document> expected = new HashSet<>();
        batch.stream()
                .filter(alert -> alert.objectId().equals("ZTF20aajcdad"))
                .forEach(alert -> expected.addAll(AlertStore.withoutNulls(alert.prvCandidates())));
        assertThat(new HashSet<>(aux("ZTF20aajcdad").getList("prv_candidates", Document.class)))
                .isEqualTo(expected);

        // Replaying the batch changes nothing.
        List<Document> before = all("ZTF_alerts_aux");
        List<AlertStore.AuxOutcome> replay =
                store.updateAux(batch, AlertStoreTest::noMatches).block(TIMEOUT);
        assertThat(replay).noneMatch(AlertStore.AuxOutcome::newObject);
        assertThat(all("ZTF_alerts_aux")).isEqualTo(before);
    }

    @Test
    void keepsForcedPhotometryOnlyForCompleteHistory() throws Exception {
        List<MongifiedAlert> batch = folder("data/ztf_alerts/20231012");

        store.updateAux(batch, AlertStoreTest::noMatches).block(TIMEOUT);

        // 15 objects were first detected in this packet (ndethist 1); the others are years old.
        assertThat(count("ZTF_alerts_aux")).isEqualTo(24);
        assertThat(Mono.from(database.getCollection("ZTF_alerts_aux")
                                .countDocuments(new Document("fp_hists", new Document("$exists", true))))
                        .block(TIMEOUT))
                .isEqualTo(15);
        assertThat(aux("ZTF17aadcvhq")).doesNotContainKey("fp_hists");
        List<Document> newObjectPoints = aux("ZTF23abjjnqm").getList("fp_hists", Document.class);
        assertThat(newObjectPoints).hasSize(21);
        for (Document point : newObjectPoints) {
            assertThat(point.values()).doesNotContainNull().doesNotContain(-99999.0);
        }
        for (MongifiedAlert alert : batch) {
            Document aux = aux(alert.objectId());
            if (ForcedPhotometry.storeForNewObject(alert.candidate())) {
                List<Document> fp = aux.getList("fp_hists", Document.class);
                assertThat(fp).as(alert.objectId()).hasSameSizeAs(alert.fpHists());
                assertThat(AlertMongifierTest.jds(fp)).isSorted().doesNotHaveDuplicates();
            } else {
                assertThat(aux).as(alert.objectId()).doesNotContainKey("fp_hists");
            }
        }
    }

    @Test
    void mergesForcedPhotometryKeepingBrightestAlert() {
        MongifiedAlert alert = AlertMongifierTest.mongify("data/ztf_alerts/20231012/2475433850015010009.avro");
        List<Document> formatted = ForcedPhotometry.format(alert);
        double originalMag = alert.candidate().getDouble("magpsf");
        assertThat(formatted).hasSize(21);
        // An aux document holding the first 70% of the object's points, as the original test sets up.
        Mono.from(database.getCollection("ZTF_alerts_aux")
                        .insertOne(new Document("_id", alert.objectId())
                                .append("prv_candidates", List.of())
                                .append("cross_matches", new Document())
                                .append("fp_hists", formatted.subList(0, 14))))
                .block(TIMEOUT);

        // Points 11 to 18 from an alert of magnitude 30: only 14 to 18 are new.
        store.updateAux(List.of(withPoints(alert, 11, 19, 30.0)), AlertStoreTest::noMatches)
                .block(TIMEOUT);
        List<Document> afterFaint = aux(alert.objectId()).getList("fp_hists", Document.class);
        assertThat(afterFaint).hasSize(19);
        assertThat(alertMags(afterFaint.subList(0, 14))).containsOnly(originalMag);
        assertThat(alertMags(afterFaint.subList(14, 19))).containsOnly(30.0);

        // Points 11 to 20 from an alert of magnitude 15: brighter, so it wins every point it has.
        List<AlertStore.AuxOutcome> outcomes = store.updateAux(
                        List.of(withPoints(alert, 11, 21, 15.0)), AlertStoreTest::noMatches)
                .block(TIMEOUT);
        List<Document> afterBright = aux(alert.objectId()).getList("fp_hists", Document.class);
        assertThat(afterBright).hasSize(21);
        assertThat(alertMags(afterBright.subList(0, 11))).containsOnly(originalMag);
        assertThat(alertMags(afterBright.subList(11, 21))).containsOnly(15.0);
        assertThat(AlertMongifierTest.jds(afterBright)).isSorted().doesNotHaveDuplicates();
        assertThat(outcomes.get(0).fpHists()).isEqualTo(afterBright);
    }

    @Test
    void concurrentAlertsOfNewObjectAllReachHistory() throws Exception {
        MongifiedAlert template = AlertMongifierTest.mongify("data/ztf_alerts/20231012/2475433850015010009.avro");
        int writers = 4;
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 10; round++) {
                String objectId = "ZTF99race" + round;
                CyclicBarrier barrier = new CyclicBarrier(writers);
                List<Future<?>> futures = new ArrayList<>();
                List<MongifiedAlert> alerts = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    // Each writer brings one distinct previous candidate and its own forced-photometry
                    // points at a magnitude of its own.
                    MongifiedAlert alert = withHistory(template, objectId, w, writers);
                    alerts.add(alert);
                    futures.add(executor.submit(() -> {
                        barrier.await();
                        return store.updateAux(List.of(alert), AlertStoreTest::noMatches)
                                .block(TIMEOUT);
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }

                Document aux = aux(objectId);
                assertThat(aux.getList("prv_candidates", Document.class))
                        .as(objectId)
                        .hasSize(writers);
                List<Document> fp = aux.getList("fp_hists", Document.class);
                assertThat(fp).as(objectId).hasSize(21);
                // Every point keeps the brightest magnitude among the writers that carried it.
                List<Document> expected = List.of();
                for (MongifiedAlert alert : alerts) {
                    expected = ForcedPhotometry.merge(expected, ForcedPhotometry.format(alert));
                }
                assertThat(alertMags(fp)).as(objectId).isEqualTo(alertMags(expected));
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static MongifiedAlert withPoints(MongifiedAlert alert, int from, int to, double magnitude) {
        Document candidate = new Document(alert.candidate()).append("magpsf", magnitude);
        Document document = new Document(alert.alert()).append("candidate", candidate);
        return new MongifiedAlert(
                alert.candid(),
                alert.objectId(),
                document,
                alert.prvCandidates(),
                alert.fpHists().subList(from, to),
                true);
    }

    /** Writer {@code w} of {@code writers}: one prv candidate of its own and every writers-th point onwards. */
    private static MongifiedAlert withHistory(MongifiedAlert template, String objectId, int w, int writers) {
        Document candidate =
                new Document(template.candidate()).append("magpsf", 18.0 + w).append("ndethist", 1);
        Document document = new Document(template.alert()).append("candidate", candidate);
        Document prv = new Document(template.prvCandidates().get(w)).append("writer", w);
        List<Document> points = w == 0
                ? template.fpHists()
                : template.fpHists().subList(w * 3, template.fpHists().size());
        return new MongifiedAlert(template.candid() + w, objectId, document, List.of(prv), points, true);
    }

    private static Mono<Document> noMatches(MongifiedAlert alert) {
        return Mono.just(new Document("catalog", List.of()));
    }

    private static List<Double> alertMags(List<Document> points) {
        return points.stream().map(point -> point.getDouble("alert_mag")).toList();
    }

    static List<MongifiedAlert> folder(String folder) throws Exception {
        List<MongifiedAlert> alerts = new ArrayList<>();
        for (Path file : AlertStreamer.listAlertFiles(SharedData.require(folder))) {
            alerts.add(AlertMongifier.mongify(
                    AvroDocuments.toDocument(
                            AlertFixtures.records(Files.readAllBytes(file)).get(0)),
                    "objectId"));
        }
        return alerts;
    }

    private static long count(String collection) {
        return Mono.from(database.getCollection(collection).countDocuments()).block(TIMEOUT);
    }

    private static Document aux(String objectId) {
        return Mono.from(database.getCollection("ZTF_alerts_aux")
                        .find(new Document("_id", objectId))
                        .first())
                .block(TIMEOUT);
    }

    private static List<Document> all(String collection) {
        return Flux.from(database.getCollection(collection).find().sort(new Document("_id", 1)))
                .collectList()
                .block(TIMEOUT);
    }
}
