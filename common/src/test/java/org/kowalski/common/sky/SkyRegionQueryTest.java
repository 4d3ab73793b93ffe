package org.kowalski.common.sky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.common.infra.EmbeddedMongoServer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Polygon searches compared with an independent criterion: rings are regular polygons inscribed in a
 * circle, so points nearer the centre than the polygon's inner radius are inside and points beyond the
 * circle are outside; points in between are not compared.
 */
class SkyRegionQueryTest {

    private static final int SIDES = 72;

    private static EmbeddedMongoServer server;
    private static MongoClient client;
    private static MongoCollection<Document> collection;
    private static final List<double[]> POINTS = new ArrayList<>();

    @BeforeAll
    static void insertPoints() {
        server = EmbeddedMongoServer.start(null, 0);
        client = MongoClients.create(server.connectionString());
        collection = client.getDatabase("kowalski").getCollection("region_points");
        Random random = new Random(99);
        for (int i = 0; i < 3000; i++) {
            POINTS.add(new double[] {360 * random.nextDouble(), Math.toDegrees(Math.asin(2 * random.nextDouble() - 1))
            });
        }
        for (int i = 0; i < 300; i++) {
            POINTS.add(new double[] {360 * random.nextDouble(), 80 + 10 * random.nextDouble()});
            POINTS.add(new double[] {(359 + 2 * random.nextDouble()) % 360, 20 * random.nextDouble() - 10});
        }
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < POINTS.size(); i++) {
            documents.add(new Document("_id", i)
                    .append("odd", i % 2 == 1)
                    .append(
                            "coordinates",
                            new Document(
                                    "radec_geojson", Coordinates.geoJsonPoint(POINTS.get(i)[0], POINTS.get(i)[1]))));
        }
        Mono.from(collection.insertMany(documents)).block(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    /** Returns a ring of {@link #SIDES} vertices on the circle of radiusDeg around (raDeg, decDeg), in [ra - 180, dec]. */
    private static List<List<Double>> ring(double raDeg, double decDeg, double radiusDeg, boolean clockwise) {
        List<List<Double>> ring = new ArrayList<>();
        double lat1 = Math.toRadians(decDeg);
        double radius = Math.toRadians(radiusDeg);
        for (int i = 0; i <= SIDES; i++) {
            double bearing = 2 * Math.PI * (i % SIDES) / SIDES * (clockwise ? -1 : 1);
            double lat2 = Math.asin(
                    Math.sin(lat1) * Math.cos(radius) + Math.cos(lat1) * Math.sin(radius) * Math.cos(bearing));
            double lon2 = Math.toRadians(raDeg)
                    + Math.atan2(
                            Math.sin(bearing) * Math.sin(radius) * Math.cos(lat1),
                            Math.cos(radius) - Math.sin(lat1) * Math.sin(lat2));
            double lonDeg = ((Math.toDegrees(lon2) - 180) % 360 + 540) % 360 - 180;
            ring.add(List.of(lonDeg, Math.toDegrees(lat2)));
        }
        return ring;
    }

    private static double distanceDeg(double ra1, double dec1, double ra2, double dec2) {
        double[] u = SphericalPolygon.unitVector(ra1, dec1);
        double[] v = SphericalPolygon.unitVector(ra2, dec2);
        double dot = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
        double[] cross = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
        return Math.toDegrees(
                Math.atan2(Math.sqrt(cross[0] * cross[0] + cross[1] * cross[1] + cross[2] * cross[2]), dot));
    }

    /** Inner radius of a regular spherical polygon inscribed in a circle: tan r_in = tan r cos(pi / n). */
    private static double innerRadiusDeg(double radiusDeg) {
        return Math.toDegrees(Math.atan(Math.tan(Math.toRadians(radiusDeg)) * Math.cos(Math.PI / SIDES)));
    }

    private record Circle(double raDeg, double decDeg, double radiusDeg) {}

    /** Compares a search with the circle criteria: inside the holes' circles is out, inside a ring's inner circle is in. */
    private static void check(Document geometry, List<Circle> outer, List<Circle> holes, SkyQueryOptions options) {
        TreeSet<Integer> actual = new TreeSet<>();
        Flux.from(SkyRegionQuery.forStore(true).within(collection, geometry, options))
                .map(document -> document.getInteger("_id"))
                .collectList()
                .block(Duration.ofSeconds(60))
                .forEach(actual::add);
        int compared = 0;
        for (int i = 0; i < POINTS.size(); i++) {
            double[] point = POINTS.get(i);
            Boolean expected = null;
            boolean outsideAll = true;
            for (Circle circle : outer) {
                double distance = distanceDeg(circle.raDeg(), circle.decDeg(), point[0], point[1]);
                if (distance < innerRadiusDeg(circle.radiusDeg()) - 1e-9) {
                    expected = true;
                }
                if (distance <= circle.radiusDeg() + 1e-9) {
                    outsideAll = false;
                }
            }
            if (outsideAll) {
                expected = false;
            }
            for (Circle hole : holes) {
                double distance = distanceDeg(hole.raDeg(), hole.decDeg(), point[0], point[1]);
                if (distance < innerRadiusDeg(hole.radiusDeg()) - 1e-9) {
                    expected = false;
                } else if (distance <= hole.radiusDeg() + 1e-9) {
                    expected = null;
                }
            }
            if (options.filter() != null && i % 2 == 0) {
                expected = false;
            }
            if (expected != null) {
                assertThat(actual.contains(i))
                        .as("point %d at %s", i, java.util.Arrays.toString(point))
                        .isEqualTo(expected);
                compared += expected ? 1 : 0;
            }
        }
        assertThat(compared).as("points inside").isGreaterThan(5);
    }

    private static Document polygon(List<List<List<Double>>> rings) {
        return new Document("type", "Polygon").append("coordinates", rings);
    }

    @Test
    void circlesInBothOrientations() {
        for (boolean clockwise : new boolean[] {false, true}) {
            check(
                    polygon(List.of(ring(45, 30, 12, clockwise))),
                    List.of(new Circle(45, 30, 12)),
                    List.of(),
                    SkyQueryOptions.DEFAULTS);
        }
    }

    @Test
    void ringAroundPoleAndAcrossRaZero() {
        check(
                polygon(List.of(ring(10, 86, 8, false))),
                List.of(new Circle(10, 86, 8)),
                List.of(),
                SkyQueryOptions.DEFAULTS);
        check(polygon(List.of(ring(0, 0, 6, true))), List.of(new Circle(0, 0, 6)), List.of(), SkyQueryOptions.DEFAULTS);
    }

    @Test
    void largeRingBelowHemisphere() {
        check(
                polygon(List.of(ring(200, -20, 80, false))),
                List.of(new Circle(200, -20, 80)),
                List.of(),
                SkyQueryOptions.DEFAULTS);
    }

    @Test
    void holesAndMultiPolygons() {
        Document withHole = polygon(List.of(ring(120, 10, 15, false), ring(120, 10, 5, true)));
        check(withHole, List.of(new Circle(120, 10, 15)), List.of(new Circle(120, 10, 5)), SkyQueryOptions.DEFAULTS);

        Document multi = new Document("type", "MultiPolygon")
                .append("coordinates", List.of(List.of(ring(300, 40, 7, false)), List.of(ring(30, -50, 9, true))));
        check(multi, List.of(new Circle(300, 40, 7), new Circle(30, -50, 9)), List.of(), SkyQueryOptions.DEFAULTS);
    }

    @Test
    void filterProjectionAndLimit() {
        Document geometry = polygon(List.of(ring(45, 30, 12, false)));
        check(
                geometry,
                List.of(new Circle(45, 30, 12)),
                List.of(),
                SkyQueryOptions.of(new Document("odd", true), new Document("_id", 1)));

        List<Document> limited = Flux.from(SkyRegionQuery.forStore(true)
                        .within(
                                collection,
                                geometry,
                                SkyQueryOptions.DEFAULTS
                                        .withProjection(new Document("_id", 1))
                                        .withSort(new Document("_id", 1))
                                        .withLimit(3)))
                .collectList()
                .block(Duration.ofSeconds(60));
        assertThat(limited).hasSize(3);
        assertThat(limited.get(0).keySet()).containsExactly("_id");
        List<Integer> ids = new ArrayList<>(
                limited.stream().map(document -> document.getInteger("_id")).toList());
        List<Integer> sorted = new ArrayList<>(ids);
        Collections.sort(sorted);
        assertThat(ids).isEqualTo(sorted);
    }

    @Test
    void latitudeRangeIncludesEnclosedPole() {
        SphericalPolygon aroundPole = SphericalPolygon.fromGeoJson(polygon(List.of(ring(10, 86, 8, false))));
        assertThat(aroundPole.latitudeRangeDeg()[1]).isEqualTo(90);
        SphericalPolygon away = SphericalPolygon.fromGeoJson(polygon(List.of(ring(45, 30, 12, false))));
        assertThat(away.latitudeRangeDeg()[0]).isLessThan(18.0001).isGreaterThan(17.9);
        assertThat(away.latitudeRangeDeg()[1]).isGreaterThan(41.999).isLessThan(42.1);
    }

    @Test
    void invalidGeometries() {
        assertThatThrownBy(() -> SphericalPolygon.fromGeoJson(
                        new Document("type", "Point").append("coordinates", List.of(1, 2))))
                .isInstanceOf(InvalidSkyQueryException.class)
                .hasMessageContaining("Polygon");
        assertThatThrownBy(() ->
                        SphericalPolygon.fromGeoJson(polygon(List.of(List.of(List.of(1.0, 2.0), List.of(1.0, 2.0))))))
                .hasMessageContaining("at least three");
    }
}
