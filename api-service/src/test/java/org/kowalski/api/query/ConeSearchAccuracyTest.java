package org.kowalski.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kowalski.api.query.QueryEngineTest.query;

import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.ApiCalls;
import org.kowalski.api.testing.RunningApi;
import org.kowalski.api.testing.SkyMath;
import org.kowalski.common.sky.Coordinates;
import reactor.core.publisher.Mono;

/**
 * Cone searches through the HTTP API compared with a brute-force great-circle selection over a
 * synthetic catalog: random cones in every unit, cones across RA 0/360, at both poles, of radius 0 and
 * larger than a hemisphere.
 */
class ConeSearchAccuracyTest {

    private static final String CATALOG = "sky_accuracy_test";

    /** Points this close to a cone's edge, in degrees, are left out of the comparison (rounding). */
    private static final double EDGE_TOLERANCE_DEG = 1e-9;

    private static ApiCalls calls;
    private static String token;
    private static final List<double[]> POINTS = new ArrayList<>();

    @BeforeAll
    static void loadCatalog() {
        RunningApi api = RunningApi.shared();
        calls = new ApiCalls(api);
        token = api.tokenFor("sky_user");

        Random random = new Random(20240501);
        for (int i = 0; i < 2500; i++) {
            POINTS.add(new double[] {random.nextDouble() * 360, Math.toDegrees(Math.asin(2 * random.nextDouble() - 1))
            });
        }
        for (int i = 0; i < 300; i++) {
            // Dense near both poles and on both sides of RA 0/360.
            POINTS.add(new double[] {random.nextDouble() * 360, 84 + random.nextDouble() * 6});
            POINTS.add(new double[] {random.nextDouble() * 360, -84 - random.nextDouble() * 6});
            POINTS.add(new double[] {random.nextDouble() * 3, random.nextDouble() * 40 - 20});
            POINTS.add(new double[] {357 + random.nextDouble() * 3, random.nextDouble() * 40 - 20});
        }
        POINTS.add(new double[] {0, 90});
        POINTS.add(new double[] {0, -90});
        POINTS.add(new double[] {360, 0});

        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < POINTS.size(); i++) {
            double[] point = POINTS.get(i);
            documents.add(new Document("_id", i)
                    .append("ra", point[0])
                    .append("dec", point[1])
                    .append(
                            "coordinates",
                            new Document("radec_geojson", Coordinates.geoJsonPoint(point[0], point[1]))));
        }
        MongoDatabase database = api.bean(MongoDatabase.class);
        Mono.from(database.getCollection(CATALOG).drop()).block(Duration.ofSeconds(30));
        Mono.from(database.getCollection(CATALOG).insertMany(documents)).block(Duration.ofSeconds(120));
    }

    private record Cone(String name, double raDeg, double decDeg, double radiusDeg) {}

    private static double toUnit(double radiusDeg, String unit) {
        return switch (unit) {
            case "arcsec" -> radiusDeg * 3600;
            case "arcmin" -> radiusDeg * 60;
            case "deg" -> radiusDeg;
            default -> Math.toRadians(radiusDeg);
        };
    }

    /** Runs the cones of one unit in one request and checks each against the brute-force selection. */
    private static int checkCones(List<Cone> cones, String unit, double radiusInUnit) {
        Document radec = new Document();
        cones.forEach(cone -> radec.append(cone.name(), List.of(cone.raDeg(), cone.decDeg())));
        Document body = query(
                "cone_search",
                new Document(
                                "object_coordinates",
                                new Document("cone_search_radius", radiusInUnit)
                                        .append("cone_search_unit", unit)
                                        .append("radec", radec))
                        .append("catalogs", new Document(CATALOG, new Document("projection", new Document("_id", 1)))),
                null);
        ApiCalls.Response response = calls.query(token, body);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        Document byObject = response.body().get("data", Document.class).get(CATALOG, Document.class);
        assertThat(byObject.keySet()).containsExactlyElementsOf(radec.keySet());

        int compared = 0;
        for (Cone cone : cones) {
            TreeSet<Integer> expected = new TreeSet<>();
            TreeSet<Integer> edge = new TreeSet<>();
            for (int i = 0; i < POINTS.size(); i++) {
                double distance = SkyMath.distanceDeg(cone.raDeg(), cone.decDeg(), POINTS.get(i)[0], POINTS.get(i)[1]);
                if (Math.abs(distance - cone.radiusDeg()) < EDGE_TOLERANCE_DEG && cone.radiusDeg() > 0) {
                    edge.add(i);
                } else if (distance <= cone.radiusDeg()) {
                    expected.add(i);
                }
            }
            TreeSet<Integer> actual = new TreeSet<>();
            byObject.getList(cone.name(), Document.class).forEach(document -> actual.add(document.getInteger("_id")));
            actual.removeAll(edge);
            assertThat(actual).as("cone %s in %s", cone, unit).isEqualTo(expected);
            compared += expected.size();
        }
        return compared;
    }

    @Test
    void randomConesInEveryUnit() {
        Random random = new Random(7);
        int matched = 0;
        for (String unit : List.of("arcsec", "arcmin", "deg", "rad")) {
            double radiusDeg = 0.5 + random.nextDouble() * 8;
            List<Cone> cones = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                double ra = random.nextDouble() * 360;
                double dec = Math.toDegrees(Math.asin(2 * random.nextDouble() - 1));
                cones.add(new Cone("cone" + i, ra, dec, radiusDeg));
            }
            matched += checkCones(cones, unit, toUnit(radiusDeg, unit));
        }
        // The cones are large enough to contain points, so the comparison is not vacuous.
        assertThat(matched).isGreaterThan(50);
    }

    @Test
    void conesAcrossRaZeroAndAtPoles() {
        List<Cone> cones = List.of(
                new Cone("wrap_east", 359.5, 10, 3),
                new Cone("wrap_west", 0.2, -5, 2.5),
                new Cone("wrap_zero", 0, 0, 1.5),
                new Cone("wrap_360", 360, 3, 2),
                new Cone("north_pole", 0, 90, 5),
                new Cone("near_north", 123, 88, 4),
                new Cone("south_pole", 200, -90, 3),
                new Cone("near_south", 45, -87.5, 5));
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        for (Cone cone : cones) {
            counts.put(cone.name(), checkCones(List.of(cone), "deg", cone.radiusDeg()));
        }
        assertThat(counts.values()).allMatch(count -> count > 0);
    }

    @Test
    void radiusZeroMatchesExactPosition() {
        double[] point = POINTS.get(17);
        Cone cone = new Cone("exact", point[0], point[1], 0);
        assertThat(checkCones(List.of(cone), "arcsec", 0)).isEqualTo(1);
    }

    @Test
    void radiusBeyondHemisphere() {
        Cone cone = new Cone("huge", 100, 20, Math.toDegrees(2.5));
        assertThat(checkCones(List.of(cone), "rad", 2.5)).isGreaterThan(POINTS.size() / 2);
    }

    @Test
    void invalidConesAre400() {
        Document negative = coneBody(List.of(10, 10), -1, "arcsec");
        ApiCalls.Response negativeReply = calls.query(token, negative);
        assertThat(negativeReply.status()).isEqualTo(400);
        assertThat(negativeReply.body().getString("message")).contains("-1.0").contains("0 or more");

        ApiCalls.Response north = calls.query(token, coneBody(List.of(10, 90.5), 1, "arcsec"));
        assertThat(north.status()).isEqualTo(400);
        assertThat(north.body().getString("message")).contains("Declination 90.5");

        ApiCalls.Response south = calls.query(token, coneBody(List.of(10, -91), 1, "arcsec"));
        assertThat(south.status()).isEqualTo(400);

        ApiCalls.Response ra = calls.query(token, coneBody(List.of(361, 0), 1, "arcsec"));
        assertThat(ra.status()).isEqualTo(400);
        assertThat(ra.body().getString("message")).contains("Right ascension 361.0");

        ApiCalls.Response unit = calls.query(token, coneBody(List.of(10, 10), 1, "parsec"));
        assertThat(unit.status()).isEqualTo(400);
        assertThat(unit.body().getString("message"))
                .startsWith("Exception: Angular units not in ('arcsec', 'arcmin', 'deg', 'rad')");
    }

    @Test
    void sexagesimalAndArrayForms() {
        double[] point = POINTS.get(42);
        List<String> sexagesimal = Coordinates.radecStr(point[0], point[1]);
        Document body = query(
                "cone_search",
                new Document(
                                "object_coordinates",
                                new Document("cone_search_radius", 1)
                                        .append("cone_search_unit", "arcsec")
                                        .append("radec", List.of(sexagesimal, List.of(point[0], point[1]))))
                        .append("catalogs", new Document(CATALOG, new Document("projection", new Document("_id", 1)))),
                null);
        ApiCalls.Response response = calls.query(token, body);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        Document byObject = response.body().get("data", Document.class).get(CATALOG, Document.class);
        String sexagesimalName = "['" + sexagesimal.get(0).replace('.', '_') + "', '"
                + sexagesimal.get(1).replace('.', '_') + "']";
        String degreesName = ("[" + org.kowalski.api.web.PythonFloats.repr(point[0]) + ", "
                        + org.kowalski.api.web.PythonFloats.repr(point[1]) + "]")
                .replace('.', '_');
        assertThat(byObject.keySet()).containsExactly(sexagesimalName, degreesName);
        assertThat(byObject.getList(sexagesimalName, Document.class)).contains(new Document("_id", 42));
        assertThat(byObject.getList(degreesName, Document.class)).contains(new Document("_id", 42));
    }

    private static Document coneBody(List<?> pair, double radius, String unit) {
        return query(
                "cone_search",
                new Document(
                                "object_coordinates",
                                new Document("cone_search_radius", radius)
                                        .append("cone_search_unit", unit)
                                        .append("radec", new Document("x", pair)))
                        .append("catalogs", new Document(CATALOG, new Document())),
                null);
    }
}
