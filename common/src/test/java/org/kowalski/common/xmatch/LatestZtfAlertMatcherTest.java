package org.kowalski.common.xmatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.Duration;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedMongoServer;
import org.kowalski.common.sky.Coordinates;
import org.kowalski.common.sky.SkyQuery;
import org.kowalski.common.testing.TestConfigs;
import reactor.core.publisher.Mono;

class LatestZtfAlertMatcherTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A position just below RA 360, so that the alerts below lie on both sides of RA 0/360. */
    private static final double RA_DEG = 359.9995;

    private static final double DEC_DEG = 30.5;

    private static EmbeddedMongoServer server;
    private static MongoClient client;
    private static LatestZtfAlertMatcher matcher;

    @BeforeAll
    static void writeAlerts() {
        KowalskiConfig config = TestConfigs.embedded();
        server = EmbeddedMongoServer.start(null, 0);
        client = MongoClients.create(server.connectionString());
        MongoDatabase database = client.getDatabase(config.database().db());
        matcher = new LatestZtfAlertMatcher(database, SkyQuery.forStore(true), config);

        // Across RA 0/360: A (1.5", public, oldest), B (3", public), C (1", private, newest), D (12", public).
        List<Document> alerts = List.of(
                alert("A", 1L, 1.5, 90, 1, 2459000.5),
                alert("B", 2L, 3, 270, 1, 2459001.5),
                alert("C", 3L, 1, 0, 2, 2459002.5),
                alert("D", 4L, 12, 180, 1, 2459003.5));
        Mono.from(database.getCollection(config.collection("alerts_ztf")).insertMany(alerts))
                .block(TIMEOUT);
    }

    @AfterAll
    static void stopStore() {
        client.close();
        server.close();
    }

    @Test
    void pgirGetsNewestPublicWithinEightArcsec() {
        List<Document> matches = matcher.latestPublicAlert("PGIR", "PGIR19aacbvv", RA_DEG, DEC_DEG)
                .block(TIMEOUT);

        assertThat(matches).hasSize(1);
        Document match = matches.get(0);
        assertThat(match.getString("objectId")).isEqualTo("ZTF_B");
        assertThat(match.keySet()).containsExactlyInAnyOrder("_id", "objectId", "candid", "candidate", "coordinates");
        assertThat(match.get("candidate", Document.class).keySet())
                .containsExactlyInAnyOrder("jd", "magpsf", "sigmapsf", "fid", "drb");
        assertThat(match.get("coordinates", Document.class).keySet()).containsExactly("radec_str");
    }

    @Test
    void turboUsesEightArcsecToo() {
        List<Document> matches =
                matcher.latestPublicAlert("TURBO", "obj", RA_DEG, DEC_DEG).block(TIMEOUT);

        assertThat(matches).extracting(match -> match.getString("objectId")).containsExactly("ZTF_B");
    }

    @Test
    void wntrUsesTwoArcsec() {
        List<Document> matches = matcher.latestPublicAlert("WNTR", "WNTR24awati", RA_DEG, DEC_DEG)
                .block(TIMEOUT);

        assertThat(matches).extracting(match -> match.getString("objectId")).containsExactly("ZTF_A");
    }

    @Test
    void noAlertNearbyGivesEmptyList() {
        List<Document> matches =
                matcher.latestPublicAlert("PGIR", "obj", 180, -30).block(TIMEOUT);

        assertThat(matches).isEmpty();
    }

    @Test
    void unknownSurveyRejected() {
        assertThatThrownBy(() -> matcher.latestPublicAlert("ZTF", "obj", RA_DEG, DEC_DEG))
                .hasMessageContaining("No ZTF alert match radius for survey 'ZTF'");
    }

    private static Document alert(
            String name, long candid, double offsetArcsec, double bearingDeg, int programId, double jd) {
        double[] position = CatalogCrossMatcherTest.offset(RA_DEG, DEC_DEG, offsetArcsec, bearingDeg);
        return new Document("objectId", "ZTF_" + name)
                .append("candid", candid)
                .append(
                        "candidate",
                        new Document("jd", jd)
                                .append("programid", programId)
                                .append("magpsf", 18.5)
                                .append("sigmapsf", 0.1)
                                .append("fid", 1)
                                .append("drb", 0.99)
                                .append("ra", position[0])
                                .append("dec", position[1]))
                .append(
                        "coordinates",
                        new Document("radec_str", Coordinates.radecStr(position[0], position[1]))
                                .append("radec_geojson", Coordinates.geoJsonPoint(position[0], position[1])));
    }
}
