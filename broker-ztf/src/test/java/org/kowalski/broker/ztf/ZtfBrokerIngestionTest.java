package org.kowalski.broker.ztf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.kowalski.broker.ztf.BrokerTestSupport.count;
import static org.kowalski.broker.ztf.BrokerTestSupport.find;
import static org.kowalski.broker.ztf.BrokerTestSupport.waitUntil;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.file.CodecFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.kowalski.common.alert.AlertMongifier;
import org.kowalski.common.alert.AvroDocuments;
import org.kowalski.common.broker.BrokerMetrics;
import org.kowalski.common.broker.DeadLetterPublisher;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.filter.AlertFilterStage;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.kafka.AlertStreamer;
import org.kowalski.common.mongo.MongoConnections;
import org.kowalski.common.testing.AlertFixtures;
import org.kowalski.common.testing.GalacticReference;
import org.kowalski.common.testing.SharedData;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs the ZTF broker's Spring application against the embedded store and Kafka, feeding it the sample
 * alerts. The methods run in order and share the broker and the store.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZtfBrokerIngestionTest {

    private static final String ALERTS = "ZTF_alerts";
    private static final String AUX = "ZTF_alerts_aux";
    private static final String CATALOG = "XMATCH_TEST";

    private static KowalskiConfig config;
    private static MongoClient client;
    private static MongoDatabase database;
    private static ConfigurableApplicationContext broker;

    @BeforeAll
    static void startBroker() {
        SharedData.require("data/ztf_alerts");
        // A small catalog with a 5" cone, besides the default catalogs (absent here, so without matches).
        config = BrokerTestSupport.config(
                4,
                Map.of(
                        CATALOG,
                        Map.of(
                                "cone_search_radius",
                                5,
                                "cone_search_unit",
                                "arcsec",
                                "filter",
                                Map.of(),
                                "projection",
                                Map.of("_id", 1, "name", 1, "coordinates.radec_str", 1))),
                true);
        client = MongoConnections.connect(config);
        database = client.getDatabase(config.database().db());
        BrokerTestSupport.drop(database, ALERTS);
        BrokerTestSupport.drop(database, AUX);
        BrokerTestSupport.drop(database, CATALOG);
        BrokerTestSupport.drop(database, "filters");
        broker = ZtfBrokerApplication.start(config);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
        if (client != null) {
            client.close();
        }
    }

    @Test
    @Order(1)
    void storesBothSampleNights() throws Exception {
        String bootstrapServers = EmbeddedInfrastructure.bootstrapServers(config);
        String topic = BrokerTestSupport.todaysTopic(1);

        AlertStreamer.stream(bootstrapServers, topic, SharedData.require("data/ztf_alerts/20200202"), 1);
        waitUntil("12 alerts and 11 aux documents", () -> count(database, ALERTS) >= 12 && count(database, AUX) >= 11);
        assertThat(count(database, ALERTS)).isEqualTo(12);
        assertThat(count(database, AUX)).isEqualTo(11);

        AlertStreamer.stream(bootstrapServers, topic, SharedData.require("data/ztf_alerts/20231012"), 1);
        waitUntil("36 alerts and 35 aux documents", () -> count(database, ALERTS) >= 36 && count(database, AUX) >= 35);
        assertThat(count(database, ALERTS)).isEqualTo(36);
        assertThat(count(database, AUX)).isEqualTo(35);
    }

    @Test
    @Order(2)
    void storesFixtureHistories() {
        Document schema33 = find(database, ALERTS, new Document("candid", 1127561445515015011L));
        assertThat(schema33.getString("objectId")).isEqualTo("ZTF20aajcbhr");
        Document schema33Aux = find(database, AUX, new Document("_id", "ZTF20aajcbhr"));
        assertThat(schema33Aux.getList("prv_candidates", Document.class)).hasSize(31);
        assertThat(schema33Aux).doesNotContainKey("fp_hists");

        Document schema4 = find(database, ALERTS, new Document("candid", 2475433850015010009L));
        assertThat(schema4.getString("objectId")).isEqualTo("ZTF17aadcvhq");
        assertThat(schema4).doesNotContainKeys("prv_candidates", "fp_hists");
        Document schema4Aux = find(database, AUX, new Document("_id", "ZTF17aadcvhq"));
        assertThat(schema4Aux.getList("prv_candidates", Document.class)).hasSize(20);
        // First detected in 2017 (ndethist 258): its forced-photometry history could not be complete.
        assertThat(schema4Aux).doesNotContainKey("fp_hists");

        // ZTF23abjjnqm was first detected in this packet, so aux keeps its 21 cleaned points.
        List<Document> points =
                find(database, AUX, new Document("_id", "ZTF23abjjnqm")).getList("fp_hists", Document.class);
        assertThat(points).hasSize(21);
        List<Double> jds = points.stream().map(point -> point.getDouble("jd")).toList();
        assertThat(jds).isSorted().doesNotHaveDuplicates();
        for (Document point : points) {
            assertThat(point.values()).doesNotContainNull().doesNotContain(-99999.0);
            assertThat(point.getDouble("alert_mag")).isNotNull();
        }

        // ZTF20aajcdad has two alerts in the first night: aux contains both packets' histories.
        assertThat(count(database, ALERTS, new Document("objectId", "ZTF20aajcdad")))
                .isEqualTo(2);
        assertThat(find(database, AUX, new Document("_id", "ZTF20aajcdad")).getList("prv_candidates", Document.class))
                .hasSize(16);
    }

    @Test
    @Order(3)
    void storesModelScoresWithAlerts() throws Exception {
        JsonNode reference = new ObjectMapper()
                .readTree(SharedData.require("data/ml_reference_sample.json").toFile());
        List<String> models = List.of("braai", "acai_h", "acai_v", "acai_o", "acai_n", "acai_b");

        for (JsonNode expected : reference.get("alerts")) {
            long candid = expected.get("candid").asLong();
            Document classifications =
                    find(database, ALERTS, new Document("candid", candid)).get("classifications", Document.class);
            for (String model : models) {
                assertThat(classifications.getDouble(model))
                        .as("%s of %d", model, candid)
                        .isCloseTo(expected.get(model).asDouble(), within(1e-5));
                assertThat(classifications.getString(model + "_version"))
                        .as("%s version", model)
                        .isEqualTo(reference
                                .get("models")
                                .get(model)
                                .get("version")
                                .asText());
            }
        }
    }

    @Test
    @Order(4)
    void storesCoordinatesOfEveryAlert() {
        List<Document> alerts =
                Flux.from(database.getCollection(ALERTS).find()).collectList().block(Duration.ofSeconds(30));
        assertThat(alerts).hasSize(36);
        for (Document alert : alerts) {
            Document candidate = alert.get("candidate", Document.class);
            double ra = candidate.getDouble("ra");
            double dec = candidate.getDouble("dec");
            Document coordinates = alert.get("coordinates", Document.class);
            List<Double> lonLat =
                    coordinates.get("radec_geojson", Document.class).getList("coordinates", Double.class);
            double[] expected = GalacticReference.lb(ra, dec);
            String id = String.valueOf(alert.get("candid"));

            assertThat(lonLat).as(id).containsExactly(ra - 180, dec);
            assertThat(coordinates.getDouble("l")).as(id).isCloseTo(expected[0], within(1e-6));
            assertThat(coordinates.getDouble("b")).as(id).isCloseTo(expected[1], within(1e-6));
            assertThat(alert.get("candid")).as(id).isInstanceOf(Long.class);
        }
    }

    @Test
    @Order(5)
    void restreamingChangesNothing() throws Exception {
        BrokerMetrics metrics = broker.getBean(BrokerMetrics.class);
        List<Document> auxBefore = Flux.from(database.getCollection(AUX).find().sort(new Document("_id", 1)))
                .collectList()
                .block(Duration.ofSeconds(30));
        double duplicatesBefore = metrics.duplicateCount();
        String bootstrapServers = EmbeddedInfrastructure.bootstrapServers(config);
        String topic = BrokerTestSupport.todaysTopic(1);

        try (BrokerTestSupport.LogCapture logs = new BrokerTestSupport.LogCapture()) {
            AlertStreamer.stream(bootstrapServers, topic, SharedData.require("data/ztf_alerts/20200202"), 1);
            AlertStreamer.stream(bootstrapServers, topic, SharedData.require("data/ztf_alerts/20231012"), 1);
            waitUntil("36 more duplicates", () -> metrics.duplicateCount() >= duplicatesBefore + 36);

            assertThat(logs.atLeast(Level.ERROR)).isEmpty();
        }
        assertThat(metrics.duplicateCount()).isEqualTo(duplicatesBefore + 36);
        assertThat(count(database, ALERTS)).isEqualTo(36);
        assertThat(count(database, AUX)).isEqualTo(35);
        List<Document> auxAfter = Flux.from(database.getCollection(AUX).find().sort(new Document("_id", 1)))
                .collectList()
                .block(Duration.ofSeconds(30));
        assertThat(auxAfter).isEqualTo(auxBefore);
    }

    @Test
    @Order(6)
    void servesMetricsOnPrometheusEndpoint() throws Exception {
        String port = broker.getEnvironment().getProperty("local.server.port");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(10))
                .build();

        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .containsPattern("kowalski_broker_alerts_stored_total\\{[^}]*survey=\"ZTF\"[^}]*} 36\\.0")
                .containsPattern("kowalski_broker_alerts_duplicates_total\\{[^}]*survey=\"ZTF\"[^}]*} 36\\.0")
                .containsPattern("kowalski_broker_messages_consumed_total\\{[^}]*survey=\"ZTF\"[^}]*} 72\\.0")
                .containsPattern("kowalski_broker_alerts_failed_total\\{[^}]*survey=\"ZTF\"[^}]*} 0\\.0")
                .containsPattern("kowalski_broker_consumer_lag\\{[^}]*survey=\"ZTF\"[^}]*} 0\\.0")
                .containsPattern("kowalski_broker_stage_seconds_count\\{[^}]*stage=\"insert\"")
                .containsPattern("kowalski_broker_stage_seconds_count\\{[^}]*stage=\"aux\"");
    }

    @Test
    @Order(7)
    void copiesUndecodableMessagesToDeadLetterTopic() throws Exception {
        List<byte[]> fresh = BrokerTestSupport.freshCopies("data/ztf_alerts/20200202", "ZTF99dead");
        byte[] twoAlerts = AlertFixtures.container(
                List.of(
                        AlertFixtures.records(fresh.get(0)).get(0),
                        AlertFixtures.records(fresh.get(1)).get(0)),
                CodecFactory.nullCodec());
        byte[] noise = new byte[2048];
        new Random(7).nextBytes(noise);
        byte[] truncated = Arrays.copyOf(fresh.get(3), fresh.get(3).length / 2);
        String topic = BrokerTestSupport.todaysTopic(2);
        long alertsBefore = count(database, ALERTS);

        // Offsets 0 to 4: two alerts in one container, noise, an alert, a truncated alert, an alert.
        BrokerTestSupport.produce(config, topic, List.of(twoAlerts, noise, fresh.get(2), truncated, fresh.get(4)));

        waitUntil("the four good alerts", () -> count(database, ALERTS) >= alertsBefore + 4);
        for (int i : new int[] {0, 1, 2, 4}) {
            long candid = AlertFixtures.records(fresh.get(i)).get(0).get("candid") instanceof Long c ? c : -1;
            assertThat(count(database, ALERTS, new Document("candid", candid)))
                    .as("alert %d", i)
                    .isEqualTo(1);
        }
        assertThat(count(database, ALERTS)).isEqualTo(alertsBefore + 4);

        List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(DeadLetterPublisher.deadLetterTopic(topic), 2);
        assertThat(deadLetters).hasSize(2);
        assertThat(deadLetters.get(0).value()).isEqualTo(noise);
        assertThat(deadLetters.get(1).value()).isEqualTo(truncated);
        assertThat(header(deadLetters.get(0), DeadLetterPublisher.HEADER_TOPIC)).isEqualTo(topic);
        assertThat(header(deadLetters.get(0), DeadLetterPublisher.HEADER_OFFSET))
                .isEqualTo("1");
        assertThat(header(deadLetters.get(1), DeadLetterPublisher.HEADER_OFFSET))
                .isEqualTo("3");
        assertThat(header(deadLetters.get(0), DeadLetterPublisher.HEADER_REASON))
                .contains("not an Avro object container");
        assertThat(broker.getBean(BrokerMetrics.class).failedCount()).isEqualTo(2);
    }

    @Test
    @Order(8)
    void restartInMidStreamStoresEachAlertOnce() throws Exception {
        List<byte[]> fresh = BrokerTestSupport.freshCopies("data/ztf_alerts/20231012", "ZTF99restart");
        String topic = BrokerTestSupport.todaysTopic(3);
        long alertsBefore = count(database, ALERTS);
        long auxBefore = count(database, AUX);

        BrokerTestSupport.produce(config, topic, fresh.subList(0, 12));
        waitUntil("the first 12 alerts", () -> count(database, ALERTS) >= alertsBefore + 12);
        // The rest arrives while the broker stops, and after: the new broker resumes at the committed offset.
        BrokerTestSupport.produce(config, topic, fresh.subList(12, 18));
        broker.close();
        BrokerTestSupport.produce(config, topic, fresh.subList(18, 24));
        broker = ZtfBrokerApplication.start(config);

        waitUntil(
                "all 24 alerts",
                () -> count(database, ALERTS) >= alertsBefore + 24 && count(database, AUX) >= auxBefore + 24);
        assertThat(count(database, ALERTS)).isEqualTo(alertsBefore + 24);
        assertThat(count(database, AUX)).isEqualTo(auxBefore + 24);
        for (byte[] message : fresh) {
            long candid = (Long) AlertFixtures.records(message).get(0).get("candid");
            assertThat(count(database, ALERTS, new Document("candid", candid))).isEqualTo(1);
        }
        waitUntil(
                "the offsets of all 24 messages committed",
                () -> BrokerTestSupport.committedOffset(config, topic) == 24);
    }

    @Test
    @Order(9)
    void crossMatchesNewObjectWithinCone() throws Exception {
        byte[] message = AlertFixtures.withIds(
                BrokerTestSupport.sampleMessages("data/ztf_alerts/20200202").get(11),
                8_999_000_000_000_000_001L,
                "ZTF99xmatch");
        Document candidate =
                AvroDocuments.toDocument(AlertFixtures.records(message).get(0)).get("candidate", Document.class);
        double ra = candidate.getDouble("ra");
        double dec = candidate.getDouble("dec");
        // Sources 1" north, 4" south and 10" east of the alert.
        List<Document> sources = List.of(
                source("north_1arcsec", ra, dec + 1 / 3600.0),
                source("south_4arcsec", ra, dec - 4 / 3600.0),
                source("east_10arcsec", ra + 10 / 3600.0 / Math.cos(Math.toRadians(dec)), dec));
        Mono.from(database.getCollection(CATALOG).insertMany(sources)).block(Duration.ofSeconds(30));

        BrokerTestSupport.produce(config, BrokerTestSupport.todaysTopic(1), List.of(message));
        waitUntil(
                "the aux document of ZTF99xmatch",
                () -> find(database, AUX, new Document("_id", "ZTF99xmatch")) != null);

        Document crossMatches =
                find(database, AUX, new Document("_id", "ZTF99xmatch")).get("cross_matches", Document.class);
        List<Document> matches = crossMatches.getList(CATALOG, Document.class);
        assertThat(matches)
                .extracting(match -> match.getString("name"))
                .containsExactlyInAnyOrder("north_1arcsec", "south_4arcsec");
        assertThat(matches.get(0).get("coordinates", Document.class)).containsKey("radec_str");
        // Every configured catalog has a key, with an empty list when it has no matches.
        assertThat(crossMatches.keySet())
                .containsAll(config.database().xmatch().get("ZTF").keySet());
        assertThat(crossMatches.getList("2MASS_PSC", Document.class)).isEmpty();
    }

    @Test
    @Order(10)
    void runsUserFiltersOnStoredAlerts() throws Exception {
        Document filter = new Document("filter_id", 901)
                .append("group_id", 41)
                .append("catalog", ALERTS)
                .append("permissions", List.of(1, 2, 3))
                .append("active", true)
                .append("active_fid", "brk901")
                .append("autosave", false)
                .append("update_annotations", false)
                .append(
                        "fv",
                        List.of(new Document("fid", "brk901")
                                .append("pipeline", "[{\"$match\": {\"candidate.drb\": {\"$gt\": 0.5}}}]")));
        Mono.from(database.getCollection("filters").insertOne(filter)).block(Duration.ofSeconds(30));
        // Load it now rather than at the next periodic check.
        broker.getBean(AlertFilterStage.class).filters().reload().block(Duration.ofSeconds(30));
        // The fixture alert has drb 0.99999, so the filter passes.
        byte[] message = AlertFixtures.withIds(
                BrokerTestSupport.sampleMessages("data/ztf_alerts/20200202").get(11),
                8_999_000_000_000_000_002L,
                "ZTF99filter");

        BrokerTestSupport.produce(config, BrokerTestSupport.todaysTopic(1), List.of(message));
        Document query = new Document("candid", 8_999_000_000_000_000_002L)
                .append("passed_filters", new Document("$exists", true));
        waitUntil("the filter result on the alert", () -> find(database, ALERTS, query) != null);

        List<Document> passed = find(database, ALERTS, query).getList("passed_filters", Document.class);
        assertThat(passed).hasSize(1);
        assertThat(passed.get(0).getInteger("filter_id")).isEqualTo(901);
        assertThat(passed.get(0).getString("fid")).isEqualTo("brk901");
    }

    private static Document source(String name, double raDeg, double decDeg) {
        return new Document("_id", name)
                .append("name", name)
                .append("coordinates", AlertMongifier.coordinates(raDeg, decDeg));
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                EmbeddedInfrastructure.bootstrapServers(config),
                ConsumerConfig.GROUP_ID_CONFIG,
                "dead-letter-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
