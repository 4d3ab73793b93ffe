package org.kowalski.broker.ztf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kowalski.broker.ztf.BrokerTestSupport.count;
import static org.kowalski.broker.ztf.BrokerTestSupport.waitUntil;

import com.mongodb.WriteConcern;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.kowalski.common.alert.AlertStore;
import org.kowalski.common.broker.AlertConsumer;
import org.kowalski.common.broker.AlertPipeline;
import org.kowalski.common.broker.BrokerMetrics;
import org.kowalski.common.broker.CrossMatcher;
import org.kowalski.common.broker.DeadLetterPublisher;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.mongo.MongoConnections;
import org.kowalski.common.testing.AlertFixtures;

/** Moves the broker's clock across midnight UTC and checks which nights' topics it consumes. */
class ZtfNightSwitchTest {

    private static final String GROUP = "kowalski_ZTF_night_switch";

    @Test
    void switchesTopicsWhenDateChanges() throws Exception {
        KowalskiConfig config = BrokerTestSupport.config(4);
        String bootstrapServers = EmbeddedInfrastructure.bootstrapServers(config);
        ZtfSurveyAdapter adapter = new ZtfSurveyAdapter(config);
        MutableClock clock = new MutableClock(Instant.parse("2031-05-01T12:00:00Z"));
        List<byte[]> fresh = BrokerTestSupport.freshCopies("data/ztf_alerts/20200202", "ZTF99night");

        try (MongoClient client = MongoConnections.connect(config);
                DeadLetterPublisher deadLetters = new DeadLetterPublisher(bootstrapServers)) {
            MongoDatabase database = client.getDatabase(config.database().db());
            AlertStore store =
                    new AlertStore(database, "ZTF_alerts", "ZTF_alerts_aux", true, WriteConcern.ACKNOWLEDGED);
            AlertPipeline pipeline = new AlertPipeline(
                    adapter,
                    store,
                    List.of(),
                    CrossMatcher.NONE,
                    List.of(),
                    deadLetters,
                    BrokerMetrics.inMemory("ZTF"),
                    () -> {});
            AlertConsumer.Settings settings =
                    new AlertConsumer.Settings(bootstrapServers, GROUP, "earliest", 1, 4, 1000);
            AlertConsumer consumer =
                    new AlertConsumer(adapter, pipeline, BrokerMetrics.inMemory("ZTF"), settings, clock, null);
            try {
                consumer.start();
                assertThat(consumer.topics()).isEqualTo(adapter.topics(LocalDate.of(2031, 5, 1)));

                // Tonight's topic is consumed; tomorrow's, an older night's and look-alike topics are not.
                BrokerTestSupport.produce(config, "ztf_20310501_programid1", List.of(fresh.get(0)));
                BrokerTestSupport.produce(config, "ztf_20310502_programid1", List.of(fresh.get(1)));
                BrokerTestSupport.produce(config, "ztf_20310429_programid1", List.of(fresh.get(2)));
                BrokerTestSupport.produce(config, "ztf_20310501_programid12", List.of(fresh.get(3)));
                BrokerTestSupport.produce(config, "ztf_20310501_programid1_zuds", List.of(fresh.get(4)));
                waitUntil("tonight's alert", () -> stored(database, fresh.get(0)));
                assertThat(stored(database, fresh.get(1))).isFalse();

                // After midnight UTC the new night's topic is consumed, and late alerts on yesterday's too.
                clock.set(Instant.parse("2031-05-02T00:30:00Z"));
                consumer.refreshTopics();
                assertThat(consumer.topics()).isEqualTo(adapter.topics(LocalDate.of(2031, 5, 2)));
                BrokerTestSupport.produce(config, "ztf_20310501_programid2", List.of(fresh.get(5)));
                waitUntil("the new night's alert", () -> stored(database, fresh.get(1)));
                waitUntil("the late alert of the previous night", () -> stored(database, fresh.get(5)));
            } finally {
                consumer.stop();
            }

            for (int i : new int[] {2, 3, 4}) {
                assertThat(stored(database, fresh.get(i))).as("alert %d", i).isFalse();
            }
            assertThat(committedTopics(bootstrapServers))
                    .containsExactlyInAnyOrder(
                            "ztf_20310501_programid1", "ztf_20310502_programid1", "ztf_20310501_programid2");
        }
    }

    private static boolean stored(MongoDatabase database, byte[] message) {
        long candid = (Long) AlertFixtures.records(message).get(0).get("candid");
        return count(database, "ZTF_alerts", new Document("candid", candid)) == 1;
    }

    private static List<String> committedTopics(String bootstrapServers) throws Exception {
        try (AdminClient admin =
                AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get().keySet().stream()
                    .map(TopicPartition::topic)
                    .toList();
        }
    }

    /** A clock that a test moves. */
    private static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void set(Instant instant) {
            now.set(instant);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
