package org.kowalski.broker.pgir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kowalski.common.testing.SurveyBrokerTesting.count;
import static org.kowalski.common.testing.SurveyBrokerTesting.find;
import static org.kowalski.common.testing.SurveyBrokerTesting.waitUntil;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.kowalski.common.alert.AlertMongifier;
import org.kowalski.common.alert.AvroDocuments;
import org.kowalski.common.alert.MongifiedAlert;
import org.kowalski.common.broker.BrokerMetrics;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.filter.FilterPipelines;
import org.kowalski.common.kafka.AlertStreamer;
import org.kowalski.common.mongo.MongoConnections;
import org.kowalski.common.skyportal.Photometry;
import org.kowalski.common.skyportal.SurveyProfile;
import org.kowalski.common.testing.AlertFixtures;
import org.kowalski.common.testing.SharedData;
import org.kowalski.common.testing.SurveyBrokerTesting;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs the PGIR broker application on the embedded store and Kafka and streams the sample night
 * 2021-06-29 (17 alerts of 15 objects) once. The methods run in order and share the broker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgirBrokerTest {

    private static final String FOLDER = "data/pgir_alerts/20210629";
    private static final String ALERTS = "PGIR_alerts";
    private static final String AUX = "PGIR_alerts_aux";
    private static final String ZTF_ALERTS = "ZTF_alerts";

    /** PGIR19aacbvv, the fixture alert with 71 previous candidates. */
    private static final long FIXTURE_CANDID = 114297926L;

    private static final double FIXTURE_RA_DEG = 285.8821855;
    private static final double FIXTURE_DEC_DEG = 10.3545798;

    /** The newest public ZTF alert within 8" of the fixture, which the cross-match must find. */
    private static final long EXPECTED_ZTF_CANDID = 9_100_000_000_000_000_002L;

    private static KowalskiConfig config;
    private static MongoClient client;
    private static MongoDatabase database;
    private static ConfigurableApplicationContext broker;
    private static String topic;

    @BeforeAll
    static void startBrokerAndStream() throws Exception {
        SharedData.require(FOLDER);
        config = SurveyBrokerTesting.config(PgirBrokerApplication.SURVEY, Map.of());
        client = MongoConnections.connect(config);
        database = client.getDatabase(config.database().db());
        for (String collection : List.of(ALERTS, AUX, ZTF_ALERTS)) {
            SurveyBrokerTesting.clear(database, collection);
        }
        // ZTF alerts around the fixture: only the newest public one within 8" may match.
        SurveyBrokerTesting.insert(
                database,
                ZTF_ALERTS,
                List.of(
                        ztfNearFixture("ZTF21older", 9_100_000_000_000_000_001L, 3, 0, 2459390.5, 1),
                        ztfNearFixture("ZTF21newer", EXPECTED_ZTF_CANDID, 0, 5, 2459393.5, 1),
                        ztfNearFixture("ZTF21private", 9_100_000_000_000_000_003L, 0, 2, 2459394.5, 2),
                        ztfNearFixture("ZTF21outside", 9_100_000_000_000_000_004L, 9, 0, 2459395.5, 1)));

        broker = PgirBrokerApplication.start(config);
        topic = "pgir_" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE);
        SurveyBrokerTesting.stream(config, topic, FOLDER);
        waitUntil(
                "17 PGIR alerts and 15 aux documents",
                () -> count(database, ALERTS) >= 17
                        && count(database, AUX) >= 15
                        && SurveyBrokerTesting.committedOffset(config, "kowalski_PGIR", topic) == 17);
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

    private static Document ztfNearFixture(
            String objectId, long candid, double northArcsec, double eastArcsec, double jd, int programId) {
        return SurveyBrokerTesting.ztfAlertNear(
                objectId, candid, FIXTURE_RA_DEG, FIXTURE_DEC_DEG, northArcsec, eastArcsec, jd, programId);
    }

    @Test
    @Order(1)
    void storesSampleNight() throws Exception {
        assertThat(count(database, ALERTS)).isEqualTo(17);
        assertThat(count(database, AUX)).isEqualTo(15);
        assertThat(count(database, AUX, new Document("_id", "PGIR21aeiljk"))).isEqualTo(1);
        assertThat(broker.getBean(BrokerMetrics.class).storedCount()).isEqualTo(17);

        String metrics = SurveyBrokerTesting.prometheus(broker);
        assertThat(metrics)
                .containsPattern("kowalski_broker_alerts_stored_total\\{[^}]*survey=\"PGIR\"[^}]*} 17\\.0")
                .containsPattern("kowalski_broker_alerts_failed_total\\{[^}]*survey=\"PGIR\"[^}]*} 0\\.0");
    }

    @Test
    @Order(2)
    void storesFixtureAlertAndHistory() {
        Document alert = find(database, ALERTS, new Document("candid", FIXTURE_CANDID));
        assertThat(alert.getString("objectId")).isEqualTo("PGIR19aacbvv");
        assertThat(alert).doesNotContainKeys("prv_candidates", "fp_hists");
        // No machine learning outside ZTF.
        assertThat(alert.get("classifications", Document.class)).isEmpty();
        assertThat(alert.get("coordinates", Document.class).get("radec_str", List.class))
                .containsExactly("19:03:31.7245", "10:21:16.487");

        Document aux = find(database, AUX, new Document("_id", "PGIR19aacbvv"));
        assertThat(aux.getList("prv_candidates", Document.class)).hasSize(71);
    }

    @Test
    @Order(3)
    void buildsFixturePhotometry() {
        // The candidate and its 71 previous candidates give 71 rows once duplicates and rows without a
        // positive diffmaglim are dropped; PGIR has no fid, so every row is J band.
        Document alert = find(database, ALERTS, new Document("candid", FIXTURE_CANDID));
        Document aux = find(database, AUX, new Document("_id", "PGIR19aacbvv"));
        List<Photometry.Row> rows = Photometry.alertRows(
                SurveyProfile.PGIR,
                alert.get("candidate", Document.class),
                aux.getList("prv_candidates", Document.class));
        assertThat(rows).hasSize(71);
        assertThat(rows).extracting(Photometry.Row::filter).containsOnly("cspjs");
    }

    @Test
    @Order(4)
    void mergesHistoryOfRepeatedObject() throws Exception {
        // PGIR21aeiljk has three alerts in the night; aux holds the union of their packets' histories.
        Set<String> distinct = new HashSet<>();
        int files = 0;
        for (Path file : AlertStreamer.listAlertFiles(SharedData.require(FOLDER))) {
            GenericRecord record =
                    AlertFixtures.records(Files.readAllBytes(file)).get(0);
            if (record.get("objectId").toString().equals("PGIR21aeiljk")) {
                files++;
                for (Object previous : (List<?>) record.get("prv_candidates")) {
                    distinct.add(previous.toString());
                }
            }
        }
        assertThat(files).isEqualTo(3);

        Document aux = find(database, AUX, new Document("_id", "PGIR21aeiljk"));
        assertThat(aux.getList("prv_candidates", Document.class)).hasSize(distinct.size());
    }

    @Test
    @Order(5)
    void mongifiesFixture() {
        // The original's component test: the candid is kept and 71 previous candidates split off.
        GenericRecord record = AlertFixtures.record(FOLDER + "/" + FIXTURE_CANDID + ".avro");
        MongifiedAlert alert = AlertMongifier.mongify(AvroDocuments.toDocument(record), "objectId");
        assertThat(alert.candid()).isEqualTo(FIXTURE_CANDID);
        assertThat(alert.prvCandidates()).hasSize(71);
    }

    @Test
    @Order(6)
    void crossMatchesCatalogsAndLatestZtfAlert() {
        Document crossMatches =
                find(database, AUX, new Document("_id", "PGIR19aacbvv")).get("cross_matches", Document.class);
        List<String> expectedKeys =
                new ArrayList<>(config.database().xmatch().get("PGIR").keySet());
        expectedKeys.add("ZTF_alerts");
        assertThat(crossMatches.keySet()).containsExactlyElementsOf(expectedKeys);
        for (String catalog : config.database().xmatch().get("PGIR").keySet()) {
            assertThat(crossMatches.getList(catalog, Document.class))
                    .as(catalog)
                    .isEmpty();
        }

        List<Document> ztfAlerts = crossMatches.getList("ZTF_alerts", Document.class);
        assertThat(ztfAlerts).hasSize(1);
        Document match = ztfAlerts.get(0);
        assertThat(match.getLong("candid")).isEqualTo(EXPECTED_ZTF_CANDID);
        assertThat(match.getString("objectId")).isEqualTo("ZTF21newer");
        assertThat(match.get("candidate", Document.class).keySet())
                .containsExactlyInAnyOrder("jd", "magpsf", "sigmapsf", "fid", "drb");
        assertThat(match.get("coordinates", Document.class).keySet()).containsExactly("radec_str");
    }

    @Test
    @Order(7)
    void runsUserFilterOnStoredAlerts() {
        // The original's component filter: drb > 0.5 plus annotations, on PGIR's upstream stages. The
        // annotations are one nested document because the embedded store returns no annotations for the
        // original's dotted keys such as "annotations.author".
        List<Document> userStages = FilterPipelines.parse("""
                [{"$match": {"candidate.drb": {"$gt": 0.5}}},
                 {"$addFields": {"annotations": {"author": "dd", "mean_rb": {"$avg": "$prv_candidates.rb"}}}},
                 {"$project": {"_id": 0, "candid": 1, "objectId": 1, "annotations": 1}}]
                """);
        List<Document> pipeline =
                FilterPipelines.assemble(FilterPipelines.upstream(config, ALERTS), userStages, List.of(1, 2));

        List<Document> fixture =
                SurveyBrokerTesting.aggregate(database, ALERTS, FilterPipelines.withCandid(pipeline, FIXTURE_CANDID));
        assertThat(fixture).hasSize(1);
        assertThat(fixture.get(0).getString("objectId")).isEqualTo("PGIR19aacbvv");
        assertThat(fixture.get(0).get("annotations", Document.class).getString("author"))
                .isEqualTo("dd");

        List<Long> candids = new ArrayList<>();
        for (Document alert : SurveyBrokerTesting.aggregate(
                database, ALERTS, List.of(new Document("$project", new Document("candid", 1))))) {
            candids.add(alert.getLong("candid"));
        }
        // Ten of the 17 sample alerts have drb > 0.5.
        assertThat(SurveyBrokerTesting.aggregate(database, ALERTS, FilterPipelines.withCandids(pipeline, candids)))
                .hasSize(10);
    }

    @Test
    @Order(8)
    void restreamingChangesNoCount() throws Exception {
        SurveyBrokerTesting.stream(config, topic, FOLDER);
        waitUntil(
                "the second copy of the night is consumed",
                () -> SurveyBrokerTesting.committedOffset(config, "kowalski_PGIR", topic) == 34);

        assertThat(count(database, ALERTS)).isEqualTo(17);
        assertThat(count(database, AUX)).isEqualTo(15);
        assertThat(find(database, AUX, new Document("_id", "PGIR19aacbvv")).getList("prv_candidates", Document.class))
                .hasSize(71);
        assertThat(broker.getBean(BrokerMetrics.class).duplicateCount()).isEqualTo(17);
    }

    @Test
    @Order(9)
    void refreshesLatestZtfAlertOfKnownObject() throws Exception {
        Document before =
                find(database, AUX, new Document("_id", "PGIR21aeiljk")).get("cross_matches", Document.class);
        assertThat(before.getList("ZTF_alerts", Document.class)).isEmpty();

        // ZTF now has a public alert 4" from the object; the next PGIR alert of the object must find it.
        Document ztf = SurveyBrokerTesting.ztfAlertNear(
                "ZTF21aeiljk", 9_100_000_000_000_000_010L, 284.3791744, 16.8942485, 0, 4, 2459400.5, 1);
        SurveyBrokerTesting.insert(database, ZTF_ALERTS, List.of(ztf));
        byte[] packet = AlertFixtures.bytes(FOLDER + "/114322796.avro");
        SurveyBrokerTesting.produce(
                config, topic, List.of(AlertFixtures.withIds(packet, 114_999_999L, "PGIR21aeiljk")));
        waitUntil("the new alert is stored", () -> count(database, ALERTS) == 18);
        waitUntil(
                "the new alert is committed",
                () -> SurveyBrokerTesting.committedOffset(config, "kowalski_PGIR", topic) == 35);

        Document after =
                find(database, AUX, new Document("_id", "PGIR21aeiljk")).get("cross_matches", Document.class);
        List<Document> ztfAlerts = after.getList("ZTF_alerts", Document.class);
        assertThat(ztfAlerts).hasSize(1);
        assertThat(ztfAlerts.get(0).getLong("candid")).isEqualTo(9_100_000_000_000_000_010L);
        // The catalog matches computed for the new object stay as they were.
        assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
        assertThat(find(database, AUX, new Document("_id", "PGIR21aeiljk"))).doesNotContainKey("ZTF_alerts");
    }

    @Test
    @Order(10)
    void drawsFixtureThumbnails() throws Exception {
        // The original's component test: three thumbnails of PGIR19aacbvv, from raw-bytes cutouts.
        Document alert = find(database, ALERTS, new Document("candid", FIXTURE_CANDID));
        Map<String, BufferedImage> thumbnails = SurveyBrokerTesting.thumbnails(SurveyProfile.PGIR, alert);

        assertThat(thumbnails.keySet()).containsExactly("new", "ref", "sub");
        thumbnails.forEach((type, picture) -> {
            assertThat(picture.getWidth()).as(type).isEqualTo(168);
            assertThat(picture.getHeight()).as(type).isEqualTo(168);
        });
    }
}
