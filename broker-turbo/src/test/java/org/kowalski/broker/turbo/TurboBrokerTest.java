package org.kowalski.broker.turbo;

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
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
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
import org.kowalski.common.mongo.MongoConnections;
import org.kowalski.common.skyportal.Photometry;
import org.kowalski.common.skyportal.SurveyProfile;
import org.kowalski.common.testing.AlertFixtures;
import org.kowalski.common.testing.SharedData;
import org.kowalski.common.testing.SurveyBrokerTesting;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs the TURBO broker application on the embedded store and Kafka and streams the 11 sample alerts
 * once. The methods run in order and share the broker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TurboBrokerTest {

    private static final String FOLDER = "data/turbo_alerts";
    private static final String ALERTS = "TURBO_alerts";
    private static final String AUX = "TURBO_alerts_aux";

    private static KowalskiConfig config;
    private static MongoClient client;
    private static MongoDatabase database;
    private static ConfigurableApplicationContext broker;
    private static String topic;

    @BeforeAll
    static void startBrokerAndStream() throws Exception {
        SharedData.require(FOLDER);
        config = SurveyBrokerTesting.config(TurboBrokerApplication.SURVEY, Map.of());
        client = MongoConnections.connect(config);
        database = client.getDatabase(config.database().db());
        for (String collection : List.of(ALERTS, AUX, "ZTF_alerts", "filters")) {
            SurveyBrokerTesting.clear(database, collection);
        }
        // Two active user filters with the same condition: one for a group allowed program 1, the program
        // of every sample alert, and one for a group allowed only program 2.
        SurveyBrokerTesting.insert(
                database, "filters", List.of(brightFilter(1, 11, List.of(1)), brightFilter(2, 12, List.of(2))));
        broker = TurboBrokerApplication.start(config);
        topic = "turbo_" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE);
        SurveyBrokerTesting.stream(config, topic, FOLDER);
        waitUntil(
                "11 TURBO alerts and 11 aux documents",
                () -> count(database, ALERTS) >= 11
                        && count(database, AUX) >= 11
                        && SurveyBrokerTesting.committedOffset(config, "kowalski_TURBO", topic) == 11);
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

    /** Returns a user filter of {@code TURBO_alerts} passing alerts with a magpsf above 0.5. */
    private static Document brightFilter(int filterId, int groupId, List<Integer> permissions) {
        String pipeline = "[{\"$match\": {\"candidate.magpsf\": {\"$gt\": 0.5}}}]";
        return new Document("filter_id", filterId)
                .append("group_id", groupId)
                .append("catalog", ALERTS)
                .append("permissions", permissions)
                .append("active", true)
                .append("active_fid", "turbo" + filterId)
                .append("autosave", false)
                .append("update_annotations", false)
                .append("fv", List.of(new Document("fid", "turbo" + filterId).append("pipeline", pipeline)));
    }

    @Test
    @Order(1)
    void storesSampleAlerts() throws Exception {
        assertThat(count(database, ALERTS)).isEqualTo(11);
        assertThat(count(database, AUX)).isEqualTo(11);
        assertThat(broker.getBean(BrokerMetrics.class).storedCount()).isEqualTo(11);
        assertThat(SurveyBrokerTesting.prometheus(broker))
                .containsPattern("kowalski_broker_alerts_stored_total\\{[^}]*survey=\"TURBO\"[^}]*} 11\\.0");
    }

    @Test
    @Order(2)
    void storesAlertWithoutHistory() {
        // 1.avro: top-level candid 0 (a per-night counter), null prv_candidates.
        Document alert = find(database, ALERTS, new Document("candid", 0L));
        assertThat(alert.getString("objectId")).isEqualTo("None.20");
        assertThat(alert.get("candidate", Document.class).getLong("candid")).isEqualTo(89L);
        assertThat(alert.get("classifications", Document.class)).isEmpty();

        Document aux = find(database, AUX, new Document("_id", "None.20"));
        assertThat(aux.getList("prv_candidates", Document.class)).isEmpty();
        // TURBO has no catalogs to cross-match; only the newest ZTF alert is looked up, and none is near.
        assertThat(aux.get("cross_matches", Document.class)).isEqualTo(new Document("ZTF_alerts", List.of()));
    }

    @Test
    @Order(3)
    void mongifiesFixture() {
        GenericRecord record = AlertFixtures.record(FOLDER + "/1.avro");
        MongifiedAlert alert = AlertMongifier.mongify(AvroDocuments.toDocument(record), "objectId");
        assertThat(alert.candid()).isZero();
        assertThat(alert.prvCandidates()).isEmpty();
    }

    @Test
    @Order(4)
    void brokerRunsUserFilterOnEveryAlert() {
        // The upstream TURBO stages keep alerts of the filter group's program ids through $in placeholders
        // that the original never fills, so its TURBO filters never pass.
        for (Document alert : SurveyBrokerTesting.aggregate(database, ALERTS, List.of())) {
            List<Document> passed = alert.getList("passed_filters", Document.class);
            assertThat(passed)
                    .as("passed filters of candid %s", alert.get("candid"))
                    .hasSize(1);
            assertThat(passed.get(0).getInteger("filter_id")).isEqualTo(1);
            assertThat(passed.get(0).getString("fid")).isEqualTo("turbo1");
        }
    }

    @Test
    @Order(5)
    void photometryHasNoRows() {
        // The candidates have no diffmaglim and the packets no history, so nothing reaches SkyPortal.
        for (Document alert : SurveyBrokerTesting.aggregate(database, ALERTS, List.of())) {
            Document aux = find(database, AUX, new Document("_id", alert.getString("objectId")));
            assertThat(Photometry.alertRows(
                            SurveyProfile.TURBO,
                            alert.get("candidate", Document.class),
                            aux.getList("prv_candidates", Document.class)))
                    .isEmpty();
        }
    }

    @Test
    @Order(6)
    void filterWithProgramIdPlaceholdersCanPass() {
        List<Document> userStages = FilterPipelines.parse("""
                [{"$match": {"candidate.magpsf": {"$gt": 0.5}}},
                 {"$project": {"_id": 0, "candid": 1, "objectId": 1}}]
                """);
        List<Long> candids = LongStream.range(0, 11).boxed().toList();

        List<Document> publicGroup = FilterPipelines.withCandids(
                FilterPipelines.assemble(FilterPipelines.upstream(config, ALERTS), userStages, List.of(1)), candids);
        assertThat(publicGroup.toString()).doesNotContain("$in=null");
        assertThat(SurveyBrokerTesting.aggregate(database, ALERTS, publicGroup)).hasSize(11);

        // Every sample alert has program id 1, so a group allowed only program 2 sees none of them.
        List<Document> otherGroup = FilterPipelines.withCandids(
                FilterPipelines.assemble(FilterPipelines.upstream(config, ALERTS), userStages, List.of(2)), candids);
        assertThat(SurveyBrokerTesting.aggregate(database, ALERTS, otherGroup)).isEmpty();
    }

    @Test
    @Order(7)
    void restreamingChangesNoCount() throws Exception {
        SurveyBrokerTesting.stream(config, topic, FOLDER);
        waitUntil(
                "the second copy of the alerts is consumed",
                () -> SurveyBrokerTesting.committedOffset(config, "kowalski_TURBO", topic) == 22);

        assertThat(count(database, ALERTS)).isEqualTo(11);
        assertThat(count(database, AUX)).isEqualTo(11);
        assertThat(broker.getBean(BrokerMetrics.class).duplicateCount()).isEqualTo(11);
    }

    @Test
    @Order(8)
    void drawsFixtureThumbnails() throws Exception {
        // The original's component test: three thumbnails of the 1.avro alert, from raw-bytes cutouts.
        Document alert = find(database, ALERTS, new Document("candid", 0L));
        Map<String, BufferedImage> thumbnails = SurveyBrokerTesting.thumbnails(SurveyProfile.TURBO, alert);

        assertThat(thumbnails.keySet()).containsExactly("new", "ref", "sub");
        thumbnails.forEach((type, picture) -> {
            assertThat(picture.getWidth()).as(type).isEqualTo(168);
            assertThat(picture.getHeight()).as(type).isEqualTo(168);
        });
    }
}
