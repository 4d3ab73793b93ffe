package org.kowalski.common.sky;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.common.infra.EmbeddedMongoServer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs sky queries on the embedded store and compares them with a brute-force selection over the same
 * points, computed here from unit vectors, independently of {@link Coordinates}.
 */
class EmbeddedSkyQueryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final double ARCSEC_RAD = Math.PI / 648_000;

    /** Points closer than this to a cone's edge may fall either way with different formulas, so they are not compared. */
    private static final double EDGE_TOLERANCE_RAD = 1e-12;

    private static EmbeddedMongoServer server;
    private static MongoClient client;
    private static MongoCollection<Document> collection;
    private static final List<Point> POINTS = new ArrayList<>();
    private static final SkyQuery SKY_QUERY = SkyQuery.forStore(true);

    record Point(int id, double raDeg, double decDeg, double mag) {}

    @BeforeAll
    static void insertPoints() {
        // The in-memory store evaluates queries as the file-backed one does, and loads far faster.
        server = EmbeddedMongoServer.start(null, 0);
        client = MongoClients.create(server.connectionString());
        collection = client.getDatabase("kowalski").getCollection("sky_points");

        Random random = new Random(20240311L);
        int id = 0;
        // Uniform over the sphere.
        for (int i = 0; i < 800; i++) {
            POINTS.add(new Point(id++, 360 * random.nextDouble(), asinDeg(2 * random.nextDouble() - 1), mag(random)));
        }
        // Crowded strip across right ascension 0/360.
        for (int i = 0; i < 200; i++) {
            double raDeg = (360 + 2 * random.nextDouble() - 1) % 360;
            POINTS.add(new Point(id++, raDeg, 60 * random.nextDouble() - 30, mag(random)));
        }
        // Crowded caps around both poles.
        for (int i = 0; i < 200; i++) {
            double decDeg = 90 - 3 * random.nextDouble();
            POINTS.add(new Point(id++, 360 * random.nextDouble(), i % 2 == 0 ? decDeg : -decDeg, mag(random)));
        }
        // The poles themselves, and points on the first and last right ascension.
        POINTS.add(new Point(id++, 0, 90, 15));
        POINTS.add(new Point(id++, 123.4, 90, 15));
        POINTS.add(new Point(id++, 0, -90, 15));
        POINTS.add(new Point(id++, 0, 0, 15));
        POINTS.add(new Point(id++, 359.9999999, 0, 15));
        POINTS.add(new Point(id++, 360, 1, 15));

        List<Document> documents = new ArrayList<>();
        for (Point point : POINTS) {
            documents.add(new Document("_id", point.id())
                    .append("mag", point.mag())
                    .append(
                            "coordinates",
                            new Document("radec_str", List.of("ra" + point.id(), "dec" + point.id()))
                                    .append("radec_geojson", Coordinates.geoJsonPoint(point.raDeg(), point.decDeg()))));
        }
        // Documents without a usable position never match.
        documents.add(new Document("_id", -1).append("mag", 12.0));
        documents.add(
                new Document("_id", -2).append("mag", 12.0).append("coordinates", new Document("radec_geojson", null)));
        documents.add(new Document("_id", -3)
                .append("mag", 12.0)
                .append("coordinates", new Document("radec_geojson", new Document("coordinates", List.of("a", "b")))));
        Mono.from(collection.insertMany(documents)).block(TIMEOUT);
    }

    @AfterAll
    static void stopStore() {
        client.close();
        server.close();
    }

    @Test
    void randomConesMatchBruteForce() {
        Random random = new Random(7L);
        List<double[]> cones = new ArrayList<>();

        // Edge cases: wrap-around, poles, radius 0, tiny and huge radii.
        cones.add(new double[] {0, 0, Math.toRadians(1)});
        cones.add(new double[] {359.9, 10, Math.toRadians(0.7)});
        cones.add(new double[] {0.05, -20, Math.toRadians(0.9)});
        cones.add(new double[] {360, 0, Math.toRadians(0.5)});
        cones.add(new double[] {10, 90, Math.toRadians(2)});
        cones.add(new double[] {200, -90, Math.toRadians(2)});
        cones.add(new double[] {45, 88.5, Math.toRadians(2)});
        cones.add(new double[] {300, -89, Math.toRadians(1.5)});
        cones.add(new double[] {0, 90, 0});
        cones.add(new double[] {123.4, 90, 1e-9});
        cones.add(new double[] {0, 0, 1e-10});
        cones.add(new double[] {12, 34, Math.toRadians(90)});
        cones.add(new double[] {190, -60, Math.toRadians(120)});
        cones.add(new double[] {5, 5, Math.PI});
        cones.add(new double[] {5, 5, 4.0});
        for (int i = 0; i < 5; i++) {
            Point stored = POINTS.get(random.nextInt(POINTS.size()));
            cones.add(new double[] {stored.raDeg(), stored.decDeg(), 0});
        }

        // Random cones, a third of them on the crowded strip and caps, with radii from 1" to 180 degrees.
        for (int i = 0; i < 90; i++) {
            double raDeg;
            double decDeg;
            switch (i % 3) {
                case 0 -> {
                    raDeg = (360 + 4 * random.nextDouble() - 2) % 360;
                    decDeg = 40 * random.nextDouble() - 20;
                }
                case 1 -> {
                    raDeg = 360 * random.nextDouble();
                    decDeg = (random.nextBoolean() ? 1 : -1) * (84 + 6 * random.nextDouble());
                }
                default -> {
                    raDeg = 360 * random.nextDouble();
                    decDeg = asinDeg(2 * random.nextDouble() - 1);
                }
            }
            double radiusRad = ARCSEC_RAD * Math.pow(648_000, random.nextDouble());
            cones.add(new double[] {raDeg, decDeg, radiusRad});
        }

        int compared = 0;
        int nonEmpty = 0;
        for (double[] cone : cones) {
            Set<Integer> found = ids(SKY_QUERY.cone(collection, cone[0], cone[1], cone[2], SkyQueryOptions.DEFAULTS));
            BruteForce expected = bruteForce(cone[0], cone[1], 0, cone[2]);

            // Every cone compares exactly, except points within 1e-12 rad of its edge (none are expected).
            Set<Integer> comparable = new LinkedHashSet<>(found);
            comparable.removeAll(expected.ambiguous());
            assertThat(comparable)
                    .as("cone ra=%s dec=%s r=%s rad", cone[0], cone[1], cone[2])
                    .isEqualTo(expected.inside());
            compared++;
            if (!found.isEmpty()) {
                nonEmpty++;
            }
        }
        assertThat(compared).isEqualTo(cones.size());
        assertThat(nonEmpty).as("cones with at least one match").isGreaterThan(cones.size() / 3);
    }

    @Test
    void zeroRadiusMatchesOnlyCentrePoint() {
        Point stored = POINTS.get(42);
        Set<Integer> found =
                ids(SKY_QUERY.cone(collection, stored.raDeg(), stored.decDeg(), 0, SkyQueryOptions.DEFAULTS));
        assertThat(found).containsExactly(42);
    }

    @Test
    void coneAtPoleFindsBothPolePoints() {
        Set<Integer> found = ids(SKY_QUERY.cone(collection, 250, 90, 1e-12, SkyQueryOptions.DEFAULTS));
        List<Integer> northPoles =
                POINTS.stream().filter(p -> p.decDeg() == 90).map(Point::id).toList();
        assertThat(northPoles).hasSize(2);
        assertThat(found).containsExactlyInAnyOrderElementsOf(northPoles);
    }

    @Test
    void coneAcrossRaZeroFindsBothSides() {
        // The equator points at ra 0 and ra 359.9999999 are 0.00036" apart across the wrap-around.
        Set<Integer> found = ids(SKY_QUERY.cone(collection, 359.99999995, 0, ARCSEC_RAD, SkyQueryOptions.DEFAULTS));
        List<Integer> edgePoints = POINTS.stream()
                .filter(p -> p.decDeg() == 0 && (p.raDeg() == 0 || p.raDeg() == 359.9999999))
                .map(Point::id)
                .toList();
        assertThat(found).containsExactlyInAnyOrderElementsOf(edgePoints);
    }

    @Test
    void filterSortSkipLimitMatchBruteForce() {
        Random random = new Random(11L);
        for (int i = 0; i < 12; i++) {
            double raDeg = i % 2 == 0 ? (359.5 + random.nextDouble()) % 360 : 360 * random.nextDouble();
            double decDeg = 60 * random.nextDouble() - 30;
            double radiusRad = Math.toRadians(5 + 20 * random.nextDouble());
            SkyQueryOptions options = SkyQueryOptions.DEFAULTS
                    .withFilter(new Document("mag", new Document("$lt", 16.0)))
                    .withSort(new Document("mag", -1))
                    .withSkip(2)
                    .withLimit(5);

            List<Integer> found = SKY_QUERY
                    .cone(collection, raDeg, decDeg, radiusRad, options)
                    .map(document -> document.getInteger("_id"))
                    .collectList()
                    .block(TIMEOUT);

            List<Integer> expected = POINTS.stream()
                    .filter(p -> p.mag() < 16.0)
                    .filter(p -> separationRad(raDeg, decDeg, p.raDeg(), p.decDeg()) <= radiusRad)
                    .sorted(Comparator.comparingDouble(Point::mag).reversed())
                    .skip(2)
                    .limit(5)
                    .map(Point::id)
                    .toList();
            assertThat(found).as("cone %s", i).isEqualTo(expected);
        }
    }

    @Test
    void negativeLimitMeansItsAbsoluteValue() {
        List<Document> found = SKY_QUERY
                .cone(collection, 0, 90, Math.toRadians(10), SkyQueryOptions.DEFAULTS.withLimit(-3))
                .collectList()
                .block(TIMEOUT);
        assertThat(found).hasSize(3);
    }

    @Test
    void nearReturnsAnnulusNearestFirst() {
        Random random = new Random(13L);
        for (int i = 0; i < 12; i++) {
            double raDeg = i % 4 == 0 ? 0.2 : 360 * random.nextDouble();
            double decDeg = i % 4 == 1 ? 88.0 : asinDeg(2 * random.nextDouble() - 1);
            double maxRad = Math.toRadians(3 + 10 * random.nextDouble());
            double minRad = i % 2 == 0 ? 0 : maxRad / 3;

            List<Integer> found = SKY_QUERY
                    .near(collection, raDeg, decDeg, minRad, maxRad, SkyQueryOptions.DEFAULTS)
                    .map(document -> document.getInteger("_id"))
                    .collectList()
                    .block(TIMEOUT);

            List<Integer> expected = POINTS.stream()
                    .filter(p -> {
                        double d = separationRad(raDeg, decDeg, p.raDeg(), p.decDeg());
                        return d >= minRad && d <= maxRad;
                    })
                    .sorted(Comparator.comparingDouble(p -> separationRad(raDeg, decDeg, p.raDeg(), p.decDeg())))
                    .map(Point::id)
                    .toList();
            assertThat(found).as("near %s", i).isEqualTo(expected);
        }
    }

    @Test
    void nearWithLimitKeepsNearest() {
        List<Integer> found = SKY_QUERY
                .near(collection, 100, -45, 0, Math.toRadians(30), SkyQueryOptions.DEFAULTS.withLimit(4))
                .map(document -> document.getInteger("_id"))
                .collectList()
                .block(TIMEOUT);
        List<Integer> expected = POINTS.stream()
                .filter(p -> separationRad(100, -45, p.raDeg(), p.decDeg()) <= Math.toRadians(30))
                .sorted(Comparator.comparingDouble(p -> separationRad(100, -45, p.raDeg(), p.decDeg())))
                .limit(4)
                .map(Point::id)
                .toList();
        assertThat(found).isEqualTo(expected);
    }

    @Test
    void inclusionProjectionDropsAddedPosition() {
        Point stored = POINTS.get(7);
        List<Document> found = SKY_QUERY
                .cone(
                        collection,
                        stored.raDeg(),
                        stored.decDeg(),
                        0,
                        SkyQueryOptions.of(null, new Document("mag", 1).append("_id", 0)))
                .collectList()
                .block(TIMEOUT);
        assertThat(found).containsExactly(new Document("mag", stored.mag()));
    }

    @Test
    void nestedInclusionProjectionKeepsItsParent() {
        Point stored = POINTS.get(8);
        List<Document> found = SKY_QUERY
                .cone(
                        collection,
                        stored.raDeg(),
                        stored.decDeg(),
                        0,
                        SkyQueryOptions.of(null, new Document("coordinates.radec_str", 1)))
                .collectList()
                .block(TIMEOUT);
        assertThat(found)
                .containsExactly(new Document("_id", 8)
                        .append("coordinates", new Document("radec_str", List.of("ra8", "dec8"))));
    }

    @Test
    void exclusionProjectionOfCoordinatesStillMatches() {
        Point stored = POINTS.get(9);
        List<Document> found = SKY_QUERY
                .cone(
                        collection,
                        stored.raDeg(),
                        stored.decDeg(),
                        0,
                        SkyQueryOptions.of(null, new Document("coordinates", 0)))
                .collectList()
                .block(TIMEOUT);
        assertThat(found).containsExactly(new Document("_id", 9).append("mag", stored.mag()));
    }

    @Test
    void filterPositionalClauseReplacesCone() {
        // As on MongoDB, the filter's own clause replaces the cone, so every positioned point matches.
        Document filter = new Document("coordinates.radec_geojson", new Document("$exists", true));
        List<Document> replaced = SKY_QUERY
                .cone(collection, 0, 0, 0, SkyQueryOptions.DEFAULTS.withFilter(filter))
                .collectList()
                .block(TIMEOUT);
        assertThat(replaced).hasSize(POINTS.size() + 2);

        // With filterFirst the cone wins the clash: a zero-radius cone on a stored point finds that point.
        Point stored = POINTS.get(5);
        Set<Integer> cone = ids(SKY_QUERY.cone(
                collection,
                stored.raDeg(),
                stored.decDeg(),
                0,
                SkyQueryOptions.DEFAULTS.withFilter(filter).withFilterFirst(true)));
        assertThat(cone).containsExactly(5);
    }

    @Test
    void invalidPositionsAndRadiiRejected() {
        SkyQueryOptions none = SkyQueryOptions.DEFAULTS;
        assertInvalid(SKY_QUERY.cone(collection, 10, 10, -1e-9, none), "cone radius is -1.0E-9 rad");
        assertInvalid(SKY_QUERY.cone(collection, 10, 90.5, 0.1, none), "Declination 90.5 is out of range");
        assertInvalid(SKY_QUERY.cone(collection, -0.1, 0, 0.1, none), "Right ascension -0.1 is out of range");
        assertInvalid(SKY_QUERY.cone(collection, 10, 0, Double.NaN, none), "cone radius is NaN");
        assertInvalid(SKY_QUERY.cone(collection, 10, 0, 1, "furlong", none), "Unknown angle unit 'furlong'");
        assertInvalid(SKY_QUERY.near(collection, 10, 0, -1, 1, none), "minimum distance is -1.0 rad");
    }

    private static void assertInvalid(Flux<Document> query, String message) {
        try {
            query.collectList().block(TIMEOUT);
        } catch (InvalidSkyQueryException e) {
            assertThat(e).hasMessageContaining(message);
            return;
        }
        throw new AssertionError("expected an InvalidSkyQueryException containing: " + message);
    }

    private static Set<Integer> ids(Flux<Document> documents) {
        return documents
                .map(document -> document.getInteger("_id"))
                .collect(Collectors.toCollection(LinkedHashSet::new))
                .block(TIMEOUT);
    }

    record BruteForce(Set<Integer> inside, Set<Integer> ambiguous) {}

    private static BruteForce bruteForce(double raDeg, double decDeg, double minRad, double maxRad) {
        Set<Integer> inside = new LinkedHashSet<>();
        Set<Integer> ambiguous = new LinkedHashSet<>();
        for (Point point : POINTS) {
            double d = separationRad(raDeg, decDeg, point.raDeg(), point.decDeg());
            if (Math.abs(d - maxRad) < EDGE_TOLERANCE_RAD && maxRad > 0) {
                ambiguous.add(point.id());
            } else if (d >= minRad && d <= maxRad) {
                inside.add(point.id());
            }
        }
        return new BruteForce(inside, ambiguous);
    }

    /** Angle between two positions from the cross and dot products of their unit vectors. */
    static double separationRad(double ra1Deg, double dec1Deg, double ra2Deg, double dec2Deg) {
        double[] a = unit(ra1Deg, dec1Deg);
        double[] b = unit(ra2Deg, dec2Deg);
        double cx = a[1] * b[2] - a[2] * b[1];
        double cy = a[2] * b[0] - a[0] * b[2];
        double cz = a[0] * b[1] - a[1] * b[0];
        double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        return Math.atan2(Math.sqrt(cx * cx + cy * cy + cz * cz), dot);
    }

    private static double[] unit(double raDeg, double decDeg) {
        double ra = Math.toRadians(raDeg);
        double dec = Math.toRadians(decDeg);
        return new double[] {Math.cos(dec) * Math.cos(ra), Math.cos(dec) * Math.sin(ra), Math.sin(dec)};
    }

    private static double asinDeg(double x) {
        return Math.toDegrees(Math.asin(x));
    }

    private static double mag(Random random) {
        return 10 + 10 * random.nextDouble();
    }
}
