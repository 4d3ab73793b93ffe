package org.kowalski.common.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.WriteConcern;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.common.infra.EmbeddedMongoServer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The aux documents that {@link AlertStore} writes on the embedded store, which rewrites {@code $addToSet}
 * and serves the forced-photometry compare-and-set from the {@code _id} index, equal those it writes on a
 * plain mongo-java-server H2 store, key order included, after many alerts of the same objects.
 */
class AuxHistoryStoreEquivalenceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int OBJECTS = 5;
    private static final int BATCH = 7;

    private static EmbeddedMongoServer embeddedServer;
    private static MongoServer plainServer;
    private static MongoClient embeddedClient;
    private static MongoClient plainClient;

    @BeforeAll
    static void start() {
        embeddedServer = EmbeddedMongoServer.start(null, 0);
        embeddedClient = MongoClients.create(embeddedServer.connectionString());
        plainServer = new MongoServer(H2Backend.inMemory());
        plainServer.bind("127.0.0.1", 0);
        plainClient = MongoClients.create(
                "mongodb://127.0.0.1:" + plainServer.getLocalAddress().getPort());
    }

    @AfterAll
    static void stop() {
        embeddedClient.close();
        embeddedServer.close();
        plainClient.close();
        plainServer.shutdownNow();
    }

    /**
     * Returns the sample alerts of both nights, twice, with their object ids replaced so that five
     * objects share them: each object's history grows from many packets, and every packet comes back once.
     */
    private static List<MongifiedAlert> alertsOfFewObjects() throws Exception {
        // Packets that start an object's forced photometry come first, so that later packets merge into it.
        List<MongifiedAlert> samples = new ArrayList<>(AlertStoreTest.folder("data/ztf_alerts/20231012"));
        samples.sort(Comparator.comparing((MongifiedAlert alert) ->
                        alert.hasFpHists() && ForcedPhotometry.storeForNewObject(alert.candidate()))
                .reversed());
        samples.addAll(AlertStoreTest.folder("data/ztf_alerts/20200202"));
        List<MongifiedAlert> alerts = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < samples.size(); i++) {
                MongifiedAlert sample = samples.get(i);
                String objectId = "ZTF26aaaaab" + (char) ('a' + i % OBJECTS);
                Document alert = new Document(sample.alert()).append("objectId", objectId);
                alerts.add(new MongifiedAlert(
                        sample.candid() + round,
                        objectId,
                        alert,
                        sample.prvCandidates(),
                        sample.fpHists(),
                        sample.hasFpHists()));
            }
        }
        return alerts;
    }

    private static List<Document> writeAux(MongoClient client, List<MongifiedAlert> alerts) {
        MongoDatabase database = client.getDatabase("aux_equivalence");
        Mono.from(database.drop()).block(TIMEOUT);
        AlertStore store = new AlertStore(database, "ZTF_alerts", "ZTF_alerts_aux", true, WriteConcern.ACKNOWLEDGED);
        for (int start = 0; start < alerts.size(); start += BATCH) {
            List<MongifiedAlert> batch = alerts.subList(start, Math.min(alerts.size(), start + BATCH));
            store.updateAux(
                            batch,
                            alert -> Mono.just(new Document("catalog", List.of(new Document("_id", alert.objectId())))))
                    .block(TIMEOUT);
        }
        return Flux.from(database.getCollection("ZTF_alerts_aux").find().sort(new Document("_id", 1)))
                .collectList()
                .block(TIMEOUT);
    }

    @Test
    void auxDocumentsEqualPlainStore() throws Exception {
        List<MongifiedAlert> alerts = alertsOfFewObjects();

        List<Document> embedded = writeAux(embeddedClient, alerts);
        List<Document> plain = writeAux(plainClient, alerts);

        assertThat(embedded).hasSize(OBJECTS);
        assertThat(embedded.stream().map(Document::toJson).toList())
                .containsExactlyElementsOf(plain.stream().map(Document::toJson).toList());
        for (int object = 0; object < OBJECTS; object++) {
            String objectId = "ZTF26aaaaab" + (char) ('a' + object);
            Set<String> expectedHistory = new LinkedHashSet<>();
            Set<Object> expectedFpJds = new HashSet<>();
            for (MongifiedAlert alert : alerts) {
                if (alert.objectId().equals(objectId)) {
                    AlertStore.withoutNulls(alert.prvCandidates()).forEach(prv -> expectedHistory.add(prv.toJson()));
                    ForcedPhotometry.format(alert).forEach(point -> expectedFpJds.add(point.get("jd")));
                }
            }
            Document aux = embedded.get(object);
            assertThat(aux.getString("_id")).isEqualTo(objectId);
            assertThat(aux.getList("prv_candidates", Document.class).stream()
                            .map(Document::toJson)
                            .toList())
                    .containsExactlyElementsOf(expectedHistory);
            // Every packet's forced photometry was merged: one point per jd of all the object's packets.
            assertThat(aux.getList("fp_hists", Document.class).stream()
                            .map(point -> point.get("jd"))
                            .toList())
                    .containsExactlyInAnyOrderElementsOf(expectedFpJds);
        }
    }
}
