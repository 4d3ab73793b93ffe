package org.kowalski.broker.ztf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kowalski.broker.ztf.BrokerTestSupport.count;
import static org.kowalski.broker.ztf.BrokerTestSupport.waitUntil;

import ch.qos.logback.classic.Level;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.kowalski.common.broker.AlertPipeline;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.mongo.MongoConnections;
import org.kowalski.common.testing.AlertFixtures;
import org.kowalski.common.testing.SharedData;
import org.springframework.context.ConfigurableApplicationContext;

/** Stops the embedded store for 30 s while alerts keep arriving, then checks that each is stored once. */
class ZtfBrokerOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @Test
    void storeOutagePausesWithoutLosingAlerts() throws Exception {
        SharedData.require("data/ztf_alerts/20231012");
        // Without the models, which this test does not need and which take seconds to load and run.
        KowalskiConfig config = BrokerTestSupport.config(4, Map.of(), false);
        // Yesterday's topic: the broker consumes the previous night too, and no other test uses it.
        String topic = "ztf_"
                + LocalDate.now(ZoneOffset.UTC).minusDays(1).format(DateTimeFormatter.BASIC_ISO_DATE)
                + "_programid1";
        List<byte[]> fresh = BrokerTestSupport.freshCopies("data/ztf_alerts/20231012", "ZTF99outage");
        List<Long> candids = new ArrayList<>();
        for (byte[] message : fresh) {
            candids.add((Long) AlertFixtures.records(message).get(0).get("candid"));
        }
        Document ours = new Document("candid", new Document("$in", candids));

        ConfigurableApplicationContext broker = ZtfBrokerApplication.start(config);
        MongoClient client = MongoConnections.connect(config);
        try (BrokerTestSupport.LogCapture logs = new BrokerTestSupport.LogCapture()) {
            MongoDatabase database = client.getDatabase(config.database().db());
            BrokerTestSupport.produce(config, topic, fresh.subList(0, 8));
            waitUntil("the first 8 alerts", () -> count(database, "ZTF_alerts", ours) == 8);
            waitUntil(
                    "the offset of the first 8 committed", () -> BrokerTestSupport.committedOffset(config, topic) == 8);

            // The store goes away while 16 more alerts arrive.
            EmbeddedInfrastructure.stopStore();
            long stoppedAt = System.nanoTime();
            BrokerTestSupport.produce(config, topic, fresh.subList(8, 24));
            Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000));
            long offsetDuringOutage = BrokerTestSupport.committedOffset(config, topic);
            EmbeddedInfrastructure.restartStore();

            waitUntil("all 24 alerts", () -> count(database, "ZTF_alerts", ours) == 24);
            waitUntil("the offsets of all 24 committed", () -> BrokerTestSupport.committedOffset(config, topic) == 24);

            // Nothing was committed while the store was away.
            assertThat(offsetDuringOutage).isEqualTo(8);
            // Each alert is stored once, with its object's history.
            for (long candid : candids) {
                assertThat(count(database, "ZTF_alerts", new Document("candid", candid)))
                        .as("candid %d", candid)
                        .isEqualTo(1);
            }
            assertThat(count(database, "ZTF_alerts_aux", new Document("_id", new Document("$regex", "^ZTF99outage"))))
                    .isEqualTo(24);
            // The outage and the recovery are logged once each.
            assertThat(logs.messages(AlertPipeline.class, "is unreachable")).hasSize(1);
            assertThat(logs.messages(AlertPipeline.class, "the outage is over")).hasSize(1);
            assertThat(logs.atLeast(Level.ERROR).stream()
                            .filter(event -> event.getLoggerName().startsWith("org.kowalski")))
                    .isEmpty();
        } finally {
            broker.close();
            client.close();
        }
    }
}
