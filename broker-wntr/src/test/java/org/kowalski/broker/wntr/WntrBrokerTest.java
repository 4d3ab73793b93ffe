package org.kowalski.broker.wntr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kowalski.common.testing.SurveyBrokerTesting.count;
import static org.kowalski.common.testing.SurveyBrokerTesting.find;
import static org.kowalski.common.testing.SurveyBrokerTesting.waitUntil;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.awt.image.BufferedImage;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.bson.types.Binary;
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
import org.kowalski.common.cutout.CutoutDecoder;
import org.kowalski.common.cutout.CutoutImage;
import org.kowalski.common.filter.FilterPipelines;
import org.kowalski.common.mongo.MongoConnections;
import org.kowalski.common.skyportal.Photometry;
import org.kowalski.common.skyportal.SurveyProfile;
import org.kowalski.common.testing.AlertFixtures;
import org.kowalski.common.testing.SharedData;
import org.kowalski.common.testing.SurveyBrokerTesting;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs the WINTER broker application on the embedded store and Kafka and streams the sample night
 * 2024-03-11 (11 alerts of 11 objects) once, on the topic of yesterday's local night, which the broker
 * consumes by default. The methods run in order and share the broker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WntrBrokerTest {

    private static final String FOLDER = "data/wntr_alerts/20240311";
    private static final String ALERTS = "WNTR_alerts";
    private static final String AUX = "WNTR_alerts_aux";
    private static final String ZTF_ALERTS = "ZTF_alerts";

    /** WNTR24awati, the fixture alert with one previous candidate. */
    private static final long FIXTURE_CANDID = 3608694L;

    private static final double FIXTURE_RA_DEG = 262.57510324672927;
    private static final double FIXTURE_DEC_DEG = 7.263941826142513;

    /** The public ZTF alert 1.5" from the fixture; a newer one 3" away is outside WINTER's 2" radius. */
    private static final long EXPECTED_ZTF_CANDID = 9_200_000_000_000_000_001L;

    private static KowalskiConfig config;
    private static MongoClient client;
    private static MongoDatabase database;
    private static ConfigurableApplicationContext broker;
    private static String topic;

    @BeforeAll
    static void startBrokerAndStream() throws Exception {
        SharedData.require(FOLDER);
        config = SurveyBrokerTesting.config(WntrBrokerApplication.SURVEY, Map.of());
        client = MongoConnections.connect(config);
        database = client.getDatabase(config.database().db());
        for (String collection : List.of(ALERTS, AUX, ZTF_ALERTS)) {
            SurveyBrokerTesting.clear(database, collection);
        }
        SurveyBrokerTesting.insert(
                database,
                ZTF_ALERTS,
                List.of(
                        SurveyBrokerTesting.ztfAlertNear(
                                "ZTF24inside",
                                EXPECTED_ZTF_CANDID,
                                FIXTURE_RA_DEG,
                                FIXTURE_DEC_DEG,
                                1.5,
                                0,
                                2460370.5,
                                1),
                        SurveyBrokerTesting.ztfAlertNear(
                                "ZTF24outside",
                                9_200_000_000_000_000_002L,
                                FIXTURE_RA_DEG,
                                FIXTURE_DEC_DEG,
                                0,
                                3,
                                2460375.5,
                                1)));

        broker = WntrBrokerApplication.start(config);
        LocalDate lastNight = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        topic = "winter_" + lastNight.format(DateTimeFormatter.BASIC_ISO_DATE);
        SurveyBrokerTesting.stream(config, topic, FOLDER);
        waitUntil(
                "11 WINTER alerts and 11 aux documents",
                () -> count(database, ALERTS) >= 11
                        && count(database, AUX) >= 11
                        && SurveyBrokerTesting.committedOffset(config, "kowalski_WNTR", topic) == 11);
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
    void storesSampleNight() throws Exception {
        assertThat(count(database, ALERTS)).isEqualTo(11);
        assertThat(count(database, AUX)).isEqualTo(11);
        assertThat(broker.getBean(BrokerMetrics.class).storedCount()).isEqualTo(11);
        assertThat(broker.getBean(BrokerMetrics.class).failedCount()).isZero();
        assertThat(SurveyBrokerTesting.prometheus(broker))
                .containsPattern("kowalski_broker_alerts_stored_total\\{[^}]*survey=\"WNTR\"[^}]*} 11\\.0");
    }

    @Test
    @Order(2)
    void storesFixtureUnderLowerCaseObjectId() {
        Document alert = find(database, ALERTS, new Document("candid", FIXTURE_CANDID));
        assertThat(alert.getString("objectid")).isEqualTo("WNTR24awati");
        assertThat(alert).doesNotContainKeys("objectId", "prv_candidates");
        assertThat(alert.get("classifications", Document.class)).isEmpty();

        Document candidate = alert.get("candidate", Document.class);
        assertThat(candidate.getDouble("diffmaglim")).isEqualTo(17.6939640045166);
        assertThat(candidate.getInteger("fid")).isEqualTo(2);
        assertThat(candidate.getBoolean("isdiffpos")).isTrue();

        Document aux = find(database, AUX, new Document("_id", "WNTR24awati"));
        List<Document> history = aux.getList("prv_candidates", Document.class);
        assertThat(history).hasSize(1);
        assertThat(history.get(0).getDouble("jd")).isEqualTo(2460380.0425021877);
        assertThat(history.get(0)).doesNotContainKey("diffmaglim");
    }

    @Test
    @Order(3)
    void buildsFixturePhotometry() {
        // The previous candidate has no diffmaglim, so only the candidate itself is a row: J band, positive.
        Document alert = find(database, ALERTS, new Document("candid", FIXTURE_CANDID));
        Document candidate = alert.get("candidate", Document.class);
        Document aux = find(database, AUX, new Document("_id", "WNTR24awati"));
        List<Photometry.Row> rows =
                Photometry.alertRows(SurveyProfile.WNTR, candidate, aux.getList("prv_candidates", Document.class));

        assertThat(rows).hasSize(1);
        Photometry.Row row = rows.get(0);
        assertThat(row.filter()).isEqualTo("2massj");
        assertThat(row.mjd()).isEqualTo(candidate.getDouble("jd") - 2400000.5);
        assertThat(row.flux()).isPositive();
        assertThat(candidate.getDouble("diffmaglim")).isEqualTo(17.6939640045166);
    }

    @Test
    @Order(4)
    void keepsBothValuesOfDuplicatedSchemaField() {
        // The schema declares candidate.sgmag1 twice; both occurrences are decoded and stored.
        for (Document alert : SurveyBrokerTesting.aggregate(database, ALERTS, List.of())) {
            Document candidate = alert.get("candidate", Document.class);
            assertThat(candidate).containsKeys("sgmag1", "sgmag1_duplicate");
            assertThat(candidate.get("sgmag1_duplicate")).isEqualTo(candidate.get("sgmag1"));
        }
        Document fixture = find(database, ALERTS, new Document("candid", FIXTURE_CANDID));
        assertThat(fixture.get("candidate", Document.class).getDouble("sgmag1")).isEqualTo((double) 17.4557f);
    }

    @Test
    @Order(5)
    void storesCutoutsAsRawGzippedFits() {
        Document alert = find(database, ALERTS, new Document("candid", FIXTURE_CANDID));
        for (String field : List.of("cutout_science", "cutout_template", "cutout_difference")) {
            CutoutImage image =
                    CutoutDecoder.decode(alert.get(field, Binary.class).getData());
            assertThat(image.width()).as(field).isEqualTo(81);
            assertThat(image.height()).as(field).isEqualTo(81);
        }
        CutoutImage difference = CutoutDecoder.decode(
                alert.get("cutout_difference", Binary.class).getData());
        assertThat(difference.bitpix()).isEqualTo(-64);
        assertThat(alert).doesNotContainKeys("cutoutScience", "cutoutTemplate", "cutoutDifference");
    }

    @Test
    @Order(6)
    void mongifiesFixture() {
        GenericRecord record = AlertFixtures.record(FOLDER + "/" + FIXTURE_CANDID + ".avro");
        MongifiedAlert alert = AlertMongifier.mongify(AvroDocuments.toDocument(record), "objectid");
        assertThat(alert.candid()).isEqualTo(FIXTURE_CANDID);
        assertThat(alert.objectId()).isEqualTo("WNTR24awati");
        assertThat(alert.candidate()).isNotEmpty();
        assertThat(alert.prvCandidates()).hasSize(1);
        GenericRecord previous = (GenericRecord) ((List<?>) record.get("prv_candidates")).get(0);
        assertThat(alert.prvCandidates().get(0).get("jd")).isEqualTo(previous.get("jd"));
    }

    @Test
    @Order(7)
    void crossMatchesCatalogsAndLatestZtfAlertWithinTwoArcsec() {
        Document crossMatches =
                find(database, AUX, new Document("_id", "WNTR24awati")).get("cross_matches", Document.class);
        List<String> expectedKeys =
                new ArrayList<>(config.database().xmatch().get("WNTR").keySet());
        expectedKeys.add("ZTF_alerts");
        assertThat(crossMatches.keySet()).containsExactlyElementsOf(expectedKeys);

        List<Document> ztfAlerts = crossMatches.getList("ZTF_alerts", Document.class);
        assertThat(ztfAlerts).hasSize(1);
        assertThat(ztfAlerts.get(0).getLong("candid")).isEqualTo(EXPECTED_ZTF_CANDID);
    }

    @Test
    @Order(8)
    void runsUserFilterOnFixture() {
        // The original's component filter: WINTER's upstream stages, annotations, objectid kept. The
        // annotations are one nested document because the embedded store returns no annotations for the
        // original's dotted key "annotations.author".
        List<Document> userStages = FilterPipelines.parse("""
                [{"$addFields": {"annotations": {"author": "dd"}}},
                 {"$project": {"_id": 0, "candid": 1, "objectid": 1, "annotations": 1}}]
                """);
        List<Document> pipeline = FilterPipelines.withCandid(
                FilterPipelines.assemble(FilterPipelines.upstream(config, ALERTS), userStages, List.of(1)),
                FIXTURE_CANDID);

        List<Document> passed = SurveyBrokerTesting.aggregate(database, ALERTS, pipeline);

        assertThat(passed).hasSize(1);
        assertThat(passed.get(0).getLong("candid")).isEqualTo(FIXTURE_CANDID);
        assertThat(passed.get(0).getString("objectid")).isEqualTo("WNTR24awati");
        assertThat(passed.get(0).get("annotations", Document.class).getString("author"))
                .isEqualTo("dd");
    }

    @Test
    @Order(9)
    void restreamingChangesNoCount() throws Exception {
        SurveyBrokerTesting.stream(config, topic, FOLDER);
        waitUntil(
                "the second copy of the night is consumed",
                () -> SurveyBrokerTesting.committedOffset(config, "kowalski_WNTR", topic) == 22);

        assertThat(count(database, ALERTS)).isEqualTo(11);
        assertThat(count(database, AUX)).isEqualTo(11);
        assertThat(find(database, AUX, new Document("_id", "WNTR24awati")).getList("prv_candidates", Document.class))
                .hasSize(1);
        assertThat(broker.getBean(BrokerMetrics.class).duplicateCount()).isEqualTo(11);
    }

    @Test
    @Order(10)
    void drawsFixtureThumbnails() throws Exception {
        // The original's component test: three thumbnails of WNTR24awati, from snake-case cutout fields.
        Document alert = find(database, ALERTS, new Document("candid", FIXTURE_CANDID));
        Map<String, BufferedImage> thumbnails = SurveyBrokerTesting.thumbnails(SurveyProfile.WNTR, alert);

        assertThat(thumbnails.keySet()).containsExactly("new", "ref", "sub");
        thumbnails.forEach((type, picture) -> {
            assertThat(picture.getWidth()).as(type).isEqualTo(168);
            assertThat(picture.getHeight()).as(type).isEqualTo(168);
        });
    }
}
