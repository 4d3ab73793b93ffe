package org.kowalski.common.xmatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoTimeoutException;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedMongoServer;
import org.kowalski.common.sky.Coordinates;
import org.kowalski.common.sky.SkyQuery;
import reactor.core.publisher.Mono;

/** Cross-matches against small catalogs written to the embedded store around known positions. */
class CatalogCrossMatcherTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Position of the ZTF sample alert of ZTF17aadcvhq (candid 2475433850015010009). */
    private static final double ALERT_RA_DEG = 46.9973747;

    private static final double ALERT_DEC_DEG = 9.3679347;

    /** Positions around which each plain catalog has sources at 1", 4" and 10": the alert, RA 0/360, the pole. */
    private static final double[][] CENTERS = {{ALERT_RA_DEG, ALERT_DEC_DEG}, {0.0002, -5}, {123, 89.9995}};

    private static final double M31_RA_DEG = 10.6847;
    private static final double M31_DEC_DEG = 41.26901;
    private static final double M33_RA_DEG = 23.46204;
    private static final double M33_DEC_DEG = 30.66022;

    private static EmbeddedMongoServer server;
    private static MongoClient client;
    private static MongoDatabase database;
    private static KowalskiConfig config;
    private static CatalogCrossMatcher matcher;

    @BeforeAll
    static void writeCatalogs() {
        config = org.kowalski.common.testing.TestConfigs.embedded(Map.of("database", Map.of("xmatch", testCatalogs())));
        server = EmbeddedMongoServer.start(null, 0);
        client = MongoClients.create(server.connectionString());
        database = client.getDatabase(config.database().db());
        matcher = new CatalogCrossMatcher(database, SkyQuery.forStore(true), config);

        // The same sources in every plain catalog; each catalog converts its radius from another unit.
        List<Document> sources = new ArrayList<>();
        for (int group = 0; group < CENTERS.length; group++) {
            double[] center = CENTERS[group];
            sources.add(source(group + "-1arcsec", center, 1, 30, "good"));
            sources.add(source(group + "-4arcsec", center, 4, 200, "good"));
            sources.add(source(group + "-10arcsec", center, 10, 100, "good"));
        }
        for (String catalog : List.of("SOURCES_ARCSEC", "SOURCES_ARCMIN", "SOURCES_DEG", "SOURCES_RAD")) {
            insert(catalog, sources);
        }
        List<Document> flagged = new ArrayList<>();
        for (Document source : sources) {
            Document copy = new Document(source);
            copy.put("flag", copy.getString("name").endsWith("-1arcsec") ? "bad" : "good");
            flagged.add(copy);
        }
        insert("SOURCES_FILTERED", flagged);
        insert("SOURCES_BROKEN", sources);

        insert(
                "TEST_CLU",
                List.of(
                        galaxy("G1", 100, 0, "z", 0.008),
                        galaxy("G2", 40, 45, "z", 0.05),
                        galaxy("G3", 20, 90, "z", 0.05),
                        galaxy("G4", 200, 135, "z", 0.02),
                        galaxy("G5", 60, 180, "z", 0.02),
                        galaxy("G6", 10, 225, "z", null),
                        galaxy("G7", 400, 270, "z", 0.001),
                        galaxy("G8", 250, 315, "z", -0.0003),
                        galaxy("G9", 5, 10, "z", 0.004),
                        // A catalog record of M31 itself, at its centre.
                        new Document("_id", (int) LargeGalaxies.M31_ID)
                                .append("name", "M31 from the catalog")
                                .append("ra", M31_RA_DEG)
                                .append("dec", M31_DEC_DEG)
                                .append("z", -0.001)
                                .append("coordinates", coordinates(M31_RA_DEG, M31_DEC_DEG))));
        insert(
                "TEST_NED",
                List.of(
                        galaxy("N1", 100, 0, "DistMpc", 10.0),
                        galaxy("N2", 50, 90, "DistMpc", 200.0),
                        galaxy("N3", 25, 180, "DistMpc", 200.0),
                        galaxy("N4", 20, 270, "DistMpc", 0.001)));
    }

    @AfterAll
    static void stopStore() {
        client.close();
        server.close();
    }

    @Test
    void fiveArcsecConeListsFirstTwoSources() {
        for (int group = 0; group < CENTERS.length; group++) {
            Document matches = crossMatch("TEST", CENTERS[group][0], CENTERS[group][1]);

            // Every unit gives the same 5" cone: the sources at 1" and 4", not the one at 10".
            for (String catalog : List.of("SOURCES_ARCSEC", "SOURCES_ARCMIN", "SOURCES_DEG", "SOURCES_RAD")) {
                assertThat(names(matches, catalog))
                        .as("%s around center %s", catalog, group)
                        .containsExactlyInAnyOrder(group + "-1arcsec", group + "-4arcsec");
            }
        }
    }

    @Test
    void everyCatalogGetsKeyInConfigOrder() {
        Document matches = crossMatch("TEST", ALERT_RA_DEG, ALERT_DEC_DEG);

        assertThat(List.copyOf(matches.keySet()))
                .containsExactlyElementsOf(
                        config.database().xmatch().get("TEST").keySet());
        assertThat(matches.getList("MISSING_CATALOG", Document.class)).isEmpty();
    }

    @Test
    void defaultZtfCatalogsAllPresentWhenEmpty() {
        Document matches = crossMatch("ZTF", ALERT_RA_DEG, ALERT_DEC_DEG);

        assertThat(List.copyOf(matches.keySet()))
                .startsWith("2MASS_PSC", "AllWISE", "Gaia_EDR3")
                .contains("CLU_20190625", "NED_BetaV3")
                .containsExactlyElementsOf(config.database().xmatch().get("ZTF").keySet());
        matches.values().forEach(value -> assertThat((List<?>) value).isEmpty());
    }

    @Test
    void surveyWithoutCatalogsGivesEmptyDocument() {
        assertThat(crossMatch("TURBO", ALERT_RA_DEG, ALERT_DEC_DEG)).isEmpty();
    }

    @Test
    void filterAndProjectionApplied() {
        Document matches = crossMatch("TEST", ALERT_RA_DEG, ALERT_DEC_DEG);

        List<Document> filtered = matches.getList("SOURCES_FILTERED", Document.class);
        assertThat(filtered).hasSize(1);
        assertThat(filtered.get(0).keySet()).containsExactly("_id", "name");
        assertThat(filtered.get(0).getString("name")).isEqualTo("0-4arcsec");
    }

    @Test
    void failingCatalogGivesEmptyListOthersRun() {
        Document matches = crossMatch("BROKEN", ALERT_RA_DEG, ALERT_DEC_DEG);

        assertThat(List.copyOf(matches.keySet())).containsExactly("SOURCES_BROKEN", "SOURCES_ARCSEC");
        assertThat(matches.getList("SOURCES_BROKEN", Document.class)).isEmpty();
        assertThat(names(matches, "SOURCES_ARCSEC")).containsExactlyInAnyOrder("0-1arcsec", "0-4arcsec");
    }

    @Test
    void storeOutageFailsCrossMatch() {
        // Nothing listens on port 1, so every query fails with the driver's timeout, an outage.
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:1"))
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(300, TimeUnit.MILLISECONDS))
                .build();
        try (MongoClient unreachable = MongoClients.create(settings)) {
            CatalogCrossMatcher outage = new CatalogCrossMatcher(
                    unreachable.getDatabase(config.database().db()), SkyQuery.forStore(true), config);

            assertThatThrownBy(() -> outage.crossMatch("BROKEN", "ZTF17aadcvhq", ALERT_RA_DEG, ALERT_DEC_DEG)
                            .block(TIMEOUT))
                    .isInstanceOf(MongoTimeoutException.class);
        }
    }

    @Test
    void redshiftGalaxiesMatchWithinPhysicalRadius() {
        List<Document> clu = crossMatch("TEST", ALERT_RA_DEG, ALERT_DEC_DEG).getList("TEST_CLU", Document.class);

        // G1: 100" < 300" (z < 0.01). G3: 20" < 30" (z = 0.05). G5: 60" < 75" (z = 0.02).
        // G8: 250" < 300" (blueshift). G9: 5" < 300". Not G2 (40" > 30"), G4 (200" > 75"), G6 (no z),
        // G7 (outside the 300" coarse cone), nor M31 and M33, which are far away.
        Map<String, double[]> expected = new LinkedHashMap<>();
        expected.put("G1", new double[] {100.0, 16.0});
        expected.put("G3", new double[] {20.0, 20.0});
        expected.put("G5", new double[] {60.0, 24.0});
        expected.put("G8", new double[] {250.0, -1.0});
        expected.put("G9", new double[] {5.0, -1.0});
        assertDistances(clu, expected);
    }

    @Test
    void megaparsecGalaxiesMatchWithinPhysicalRadius() {
        List<Document> ned = crossMatch("TEST", ALERT_RA_DEG, ALERT_DEC_DEG).getList("TEST_NED", Document.class);

        // N1: 100" < 300" (D < 40 Mpc), 4.848 kpc. N3: 25" < 30.94" (30 kpc at 200 Mpc), 24.24 kpc.
        // N4: 20" < 300", too close for a distance. Not N2: 50" > 30.94".
        Map<String, double[]> expected = new LinkedHashMap<>();
        expected.put("N1", new double[] {100.0, 4.85});
        expected.put("N3", new double[] {25.0, 24.24});
        expected.put("N4", new double[] {20.0, -1.0});
        assertDistances(ned, expected);
    }

    @Test
    void m31MatchesAcrossItsDisk() {
        // 1.2 degrees from the centre along the major axis (PA 35): inside the outline, far outside any cone.
        double[] onMajorAxis = offset(M31_RA_DEG, M31_DEC_DEG, 1.2 * 3600, 35);
        Document matches = crossMatch("TEST", onMajorAxis[0], onMajorAxis[1]);

        List<Document> clu = matches.getList("TEST_CLU", Document.class);
        assertThat(clu).hasSize(1);
        assertThat(clu.get(0).getString("name")).isEqualTo("PGC2557");
        assertThat(clu.get(0).get("coordinates", Document.class).getDouble("distance_arcsec"))
                .isEqualTo(4320.0);
        assertThat(clu.get(0).get("coordinates", Document.class).getDouble("distance_kpc"))
                .isEqualTo(-1.0);

        // The megaparsec catalog gets the record with DistMpc 0.778: 1.2 degrees there is 16.29 kpc.
        List<Document> ned = matches.getList("TEST_NED", Document.class);
        assertThat(ned).hasSize(1);
        assertThat(ned.get(0).getDouble("DistMpc")).isEqualTo(0.778);
        assertThat(ned.get(0).get("coordinates", Document.class).getDouble("distance_kpc"))
                .isEqualTo(16.29);

        // The same distance along the minor axis is outside.
        double[] onMinorAxis = offset(M31_RA_DEG, M31_DEC_DEG, 1.2 * 3600, 125);
        assertThat(crossMatch("TEST", onMinorAxis[0], onMinorAxis[1]).getList("TEST_CLU", Document.class))
                .isEmpty();
    }

    @Test
    void m33MatchesInsideOutline() {
        double[] inside = offset(M33_RA_DEG, M33_DEC_DEG, 0.5 * 3600, 23);
        List<Document> clu = crossMatch("TEST", inside[0], inside[1]).getList("TEST_CLU", Document.class);

        assertThat(clu).hasSize(1);
        assertThat(clu.get(0).getString("name")).isEqualTo("PGC5818");
        assertThat(clu.get(0).get("coordinates", Document.class).getDouble("distance_arcsec"))
                .isEqualTo(1800.0);
    }

    @Test
    void catalogM31RecordNotDuplicated() {
        // 100" from M31's centre the coarse cone returns the catalog's own M31 record.
        double[] nearCenter = offset(M31_RA_DEG, M31_DEC_DEG, 100, 35);
        List<Document> clu = crossMatch("TEST", nearCenter[0], nearCenter[1]).getList("TEST_CLU", Document.class);

        assertThat(clu).hasSize(1);
        assertThat(clu.get(0).getString("name")).isEqualTo("M31 from the catalog");
        assertThat(clu.get(0).get("coordinates", Document.class).getDouble("distance_arcsec"))
                .isEqualTo(100.0);
    }

    private static void assertDistances(List<Document> matches, Map<String, double[]> expected) {
        assertThat(matches)
                .extracting(match -> match.getString("name"))
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Document match : matches) {
            String name = match.getString("name");
            Document coordinates = match.get("coordinates", Document.class);
            assertThat(coordinates.getDouble("distance_arcsec"))
                    .as("%s distance_arcsec", name)
                    .isEqualTo(expected.get(name)[0]);
            assertThat(coordinates.getDouble("distance_kpc"))
                    .as("%s distance_kpc", name)
                    .isEqualTo(expected.get(name)[1]);
            assertThat(coordinates.get("radec_str")).as("%s radec_str", name).isNotNull();
        }
    }

    private static Map<String, Object> testCatalogs() {
        Map<String, Object> test = new LinkedHashMap<>();
        Map<String, Object> projection = Map.of("_id", 1, "name", 1, "coordinates.radec_str", 1);
        test.put("SOURCES_ARCSEC", cone(5, "arcsec", Map.of(), projection));
        test.put("SOURCES_ARCMIN", cone(5.0 / 60, "arcmin", Map.of(), projection));
        test.put("SOURCES_DEG", cone(5.0 / 3600, "deg", Map.of(), projection));
        test.put("SOURCES_RAD", cone(5 * Math.PI / 648_000, "rad", Map.of(), projection));
        test.put("MISSING_CATALOG", cone(5, "arcsec", Map.of(), projection));
        test.put("SOURCES_FILTERED", cone(5, "arcsec", Map.of("flag", Map.of("$ne", "bad")), Map.of("name", 1)));

        Map<String, Object> galaxyProjection =
                Map.of("_id", 1, "name", 1, "ra", 1, "dec", 1, "z", 1, "DistMpc", 1, "coordinates.radec_str", 1);
        Map<String, Object> clu = cone(300, "arcsec", Map.of(), galaxyProjection);
        clu.putAll(Map.of(
                "use_distance",
                true,
                "distance_value",
                "z",
                "distance_method",
                "redshift",
                "cm_at_distance",
                30,
                "cm_low_distance",
                300));
        test.put("TEST_CLU", clu);
        Map<String, Object> ned = cone(5, "arcmin", Map.of(), galaxyProjection);
        ned.putAll(Map.of(
                "use_distance",
                true,
                "distance_value",
                "DistMpc",
                "distance_method",
                "mpc",
                "cm_at_distance",
                30,
                "cm_low_distance",
                300));
        test.put("TEST_NED", ned);
        // A survey whose first catalog fails in the store.
        Map<String, Object> broken = new LinkedHashMap<>();
        broken.put("SOURCES_BROKEN", cone(5, "arcsec", Map.of("name", Map.of("$noSuchOperator", 1)), projection));
        broken.put("SOURCES_ARCSEC", cone(5, "arcsec", Map.of(), projection));
        return Map.of("TEST", test, "BROKEN", broken);
    }

    private static Map<String, Object> cone(
            double radius, String unit, Map<String, Object> filter, Map<String, Object> projection) {
        Map<String, Object> catalog = new LinkedHashMap<>();
        catalog.put("cone_search_radius", radius);
        catalog.put("cone_search_unit", unit);
        catalog.put("filter", filter);
        catalog.put("projection", projection);
        return catalog;
    }

    private static Document crossMatch(String survey, double raDeg, double decDeg) {
        return matcher.crossMatch(survey, "ZTFtest", raDeg, decDeg).block(TIMEOUT);
    }

    private static List<String> names(Document matches, String catalog) {
        return matches.getList(catalog, Document.class).stream()
                .map(match -> match.getString("name"))
                .toList();
    }

    private static void insert(String collection, List<Document> documents) {
        Mono.from(database.getCollection(collection).insertMany(documents)).block(TIMEOUT);
    }

    private static Document source(String name, double[] center, double offsetArcsec, double bearingDeg, String flag) {
        double[] position = offset(center[0], center[1], offsetArcsec, bearingDeg);
        return new Document("name", name)
                .append("flag", flag)
                .append("coordinates", coordinates(position[0], position[1]));
    }

    private static Document galaxy(
            String name, double offsetArcsec, double bearingDeg, String distanceField, Double distance) {
        double[] position = offset(ALERT_RA_DEG, ALERT_DEC_DEG, offsetArcsec, bearingDeg);
        return new Document("name", name)
                .append("ra", position[0])
                .append("dec", position[1])
                .append(distanceField, distance)
                .append("coordinates", coordinates(position[0], position[1]));
    }

    private static Document coordinates(double raDeg, double decDeg) {
        return new Document("radec_str", Coordinates.radecStr(raDeg, decDeg))
                .append("radec_geojson", Coordinates.geoJsonPoint(raDeg, decDeg));
    }

    /** Returns the position {@code offsetArcsec} away from a centre along a bearing from north through east. */
    static double[] offset(double raDeg, double decDeg, double offsetArcsec, double bearingDeg) {
        double dec = Math.toRadians(decDeg);
        double distance = Math.toRadians(offsetArcsec / 3600);
        double bearing = Math.toRadians(bearingDeg);
        double dec2 =
                Math.asin(Math.sin(dec) * Math.cos(distance) + Math.cos(dec) * Math.sin(distance) * Math.cos(bearing));
        double deltaRa = Math.atan2(
                Math.sin(bearing) * Math.sin(distance) * Math.cos(dec),
                Math.cos(distance) - Math.sin(dec) * Math.sin(dec2));
        double ra2Deg = ((raDeg + Math.toDegrees(deltaRa)) % 360 + 360) % 360;
        return new double[] {ra2Deg, Math.toDegrees(dec2)};
    }
}
