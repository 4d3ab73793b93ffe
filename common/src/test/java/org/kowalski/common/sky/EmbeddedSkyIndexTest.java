package org.kowalski.common.sky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kowalski.common.infra.EmbeddedMongoServer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Compares the embedded store with its position index ({@link EmbeddedMongoServer}) against a plain
 * mongo-java-server H2 store, which scans every collection, and against a brute-force great-circle
 * selection, on the same generated catalog; and checks that writes, drops and restarts are seen by the
 * next query.
 */
class EmbeddedSkyIndexTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final double ARCSEC_RAD = Math.PI / 648_000;

    /** Points closer than this to a cone's edge may fall either way with different formulas, so they are not compared. */
    private static final double EDGE_TOLERANCE_RAD = 1e-12;

    private static final SkyQuery SKY_QUERY = SkyQuery.forStore(true);
    private static final String CATALOG = "indexed_points";

    private static EmbeddedMongoServer indexedServer;
    private static MongoServer scanServer;
    private static MongoClient indexedClient;
    private static MongoClient scanClient;
    private static MongoCollection<Document> indexed;
    private static MongoCollection<Document> scanned;
    private static final List<double[]> POSITIONS = new ArrayList<>();

    @BeforeAll
    static void startStores() {
        indexedServer = EmbeddedMongoServer.start(null, 0);
        indexedClient = MongoClients.create(indexedServer.connectionString());
        indexed = indexedClient.getDatabase("kowalski").getCollection(CATALOG);

        scanServer = new MongoServer(H2Backend.inMemory());
        InetSocketAddress scanAddress = scanServer.bind();
        scanClient = MongoClients.create("mongodb://127.0.0.1:" + scanAddress.getPort());
        scanned = scanClient.getDatabase("kowalski").getCollection(CATALOG);

        Random random = new Random(20261205L);
        for (int i = 0; i < 3000; i++) {
            POSITIONS.add(new double[] {360 * random.nextDouble(), asinDeg(2 * random.nextDouble() - 1)});
        }
        // A crowded strip across right ascension 0/360 and crowded caps at both poles.
        for (int i = 0; i < 600; i++) {
            POSITIONS.add(new double[] {(360 + 2 * random.nextDouble() - 1) % 360, 20 * random.nextDouble() - 10});
        }
        for (int i = 0; i < 600; i++) {
            double decDeg = 90 - 2 * random.nextDouble();
            POSITIONS.add(new double[] {360 * random.nextDouble(), i % 2 == 0 ? decDeg : -decDeg});
        }
        // The poles, both ends of right ascension, zone and cell edges, and two sources at one position.
        POSITIONS.add(new double[] {0, 90});
        POSITIONS.add(new double[] {250, 90});
        POSITIONS.add(new double[] {0, -90});
        POSITIONS.add(new double[] {360, 0.5});
        POSITIONS.add(new double[] {0, 0.5});
        POSITIONS.add(new double[] {180, 0});
        POSITIONS.add(new double[] {180.5, -45.5});
        POSITIONS.add(new double[] {42.25, 12.75});
        POSITIONS.add(new double[] {42.25, 12.75});

        List<Document> documents = new ArrayList<>();
        for (int id = 0; id < POSITIONS.size(); id++) {
            double[] position = POSITIONS.get(id);
            documents.add(catalogDocument(id, position[0], position[1], 10 + (id % 97) / 10.0));
        }
        documents.addAll(irregularDocuments());
        Mono.from(indexed.insertMany(documents)).block(TIMEOUT);
        Mono.from(scanned.insertMany(documents)).block(TIMEOUT);
    }

    @AfterAll
    static void stopStores() {
        indexedClient.close();
        scanClient.close();
        indexedServer.close();
        scanServer.shutdownNow();
    }

    @Test
    void conesMatchScanAndBruteForce() {
        Random random = new Random(11L);
        List<double[]> cones = new ArrayList<>();
        cones.add(new double[] {0, 0, Math.toRadians(1)});
        cones.add(new double[] {359.99, 3, Math.toRadians(0.8)});
        cones.add(new double[] {0.01, -5, Math.toRadians(0.8)});
        cones.add(new double[] {360, 0.5, 2 * ARCSEC_RAD});
        cones.add(new double[] {0, 90, 0});
        cones.add(new double[] {0, 90, Math.toRadians(1)});
        cones.add(new double[] {77, 89.9, Math.toRadians(0.5)});
        cones.add(new double[] {0, -90, 0});
        cones.add(new double[] {310, -89.5, Math.toRadians(1)});
        cones.add(new double[] {42.25, 12.75, 0});
        cones.add(new double[] {180, 0, 0});
        cones.add(new double[] {180.5, -45.5, 2 * ARCSEC_RAD});
        cones.add(new double[] {12, 34, Math.toRadians(60)});
        cones.add(new double[] {190, -60, Math.toRadians(120)});
        cones.add(new double[] {5, 5, Math.PI});
        for (int i = 0; i < 20; i++) {
            double[] stored = POSITIONS.get(random.nextInt(POSITIONS.size()));
            cones.add(new double[] {stored[0], stored[1], i % 2 == 0 ? 0 : 2 * ARCSEC_RAD});
        }
        // Random centres, a third on the crowded strip and caps, with radii from 1" to 30 degrees.
        for (int i = 0; i < 150; i++) {
            double raDeg = 360 * random.nextDouble();
            double decDeg = asinDeg(2 * random.nextDouble() - 1);
            if (i % 3 == 1) {
                raDeg = (360 + 2 * random.nextDouble() - 1) % 360;
            } else if (i % 3 == 2) {
                decDeg = (random.nextBoolean() ? 1 : -1) * (87 + 3 * random.nextDouble());
            }
            cones.add(new double[] {raDeg, decDeg, ARCSEC_RAD * Math.pow(108_000, random.nextDouble())});
        }

        int nonEmpty = 0;
        for (double[] cone : cones) {
            String description = "cone ra=%s dec=%s r=%s rad".formatted(cone[0], cone[1], cone[2]);
            List<Object> found = ids(SKY_QUERY.cone(indexed, cone[0], cone[1], cone[2], SkyQueryOptions.DEFAULTS));
            List<Object> scan = ids(SKY_QUERY.cone(scanned, cone[0], cone[1], cone[2], SkyQueryOptions.DEFAULTS));
            assertThat(found).as(description + " against the scan").isEqualTo(scan);

            Set<Integer> ambiguous = new LinkedHashSet<>();
            Set<Integer> inside = bruteForce(cone[0], cone[1], cone[2], ambiguous);
            Set<Object> comparable = new LinkedHashSet<>(found);
            comparable.removeAll(ambiguous);
            // Irregular documents (negative ids) are compared with the scan only: the store reads a
            // longitude of 200 as right ascension 380, for example, which the brute force leaves out.
            comparable.removeIf(id -> (Integer) id < 0);
            assertThat(comparable).as(description + " against brute force").isEqualTo(inside);
            if (!found.isEmpty()) {
                nonEmpty++;
            }
        }
        assertThat(nonEmpty).as("cones with at least one match").isGreaterThan(cones.size() / 3);
    }

    @Test
    void nearMatchesScan() {
        Random random = new Random(12L);
        for (int i = 0; i < 40; i++) {
            double raDeg = i % 4 == 0 ? 0.2 : 360 * random.nextDouble();
            double decDeg = i % 4 == 1 ? 89.5 : asinDeg(2 * random.nextDouble() - 1);
            double maxRad = Math.toRadians(0.2 + 3 * random.nextDouble());
            double minRad = maxRad * random.nextDouble() / 2;
            SkyQueryOptions options = SkyQueryOptions.DEFAULTS.withLimit(i % 2 == 0 ? 0 : 7);
            List<Object> found = ids(SKY_QUERY.near(indexed, raDeg, decDeg, minRad, maxRad, options));
            List<Object> scan = ids(SKY_QUERY.near(scanned, raDeg, decDeg, minRad, maxRad, options));
            assertThat(found)
                    .as("near ra=%s dec=%s between %s and %s rad", raDeg, decDeg, minRad, maxRad)
                    .isEqualTo(scan);
        }
    }

    @Test
    void queryOptionsMatchScan() {
        Document faint = new Document("mag", new Document("$gte", 15));
        Document brightOrFaint = new Document(
                "$or",
                List.of(new Document("mag", new Document("$lt", 11)), new Document("mag", new Document("$gt", 19))));
        List<SkyQueryOptions> cases = List.of(
                SkyQueryOptions.of(faint, null),
                SkyQueryOptions.of(brightOrFaint, new Document("mag", 1)),
                SkyQueryOptions.of(null, new Document("coordinates", 0)),
                SkyQueryOptions.of(null, new Document("coordinates.radec_str", 1).append("_id", 0)),
                SkyQueryOptions.of(faint, new Document("mag", 1))
                        .withSort(new Document("mag", -1).append("_id", 1))
                        .withSkip(3)
                        .withLimit(5),
                SkyQueryOptions.DEFAULTS.withSort(new Document("mag", 1)).withLimit(-4),
                SkyQueryOptions.DEFAULTS.withSort(new Document("$natural", -1)),
                SkyQueryOptions.DEFAULTS.withSkip(2).withLimit(3),
                SkyQueryOptions.of(new Document(SkyQuery.GEO_FIELD, new Document("$exists", true)), null)
                        .withFilterFirst(true),
                SkyQueryOptions.of(new Document(SkyQuery.GEO_FIELD + ".type", "Point").append("mag", 12.5), null));
        double[][] centres = {{0.3, 1}, {120, 89.6}, {42.25, 12.75}, {200, -30}};
        int nonEmpty = 0;
        for (SkyQueryOptions options : cases) {
            for (double[] centre : centres) {
                String description = "cone at %s,%s with %s".formatted(centre[0], centre[1], options);
                double radiusRad = Math.toRadians(3);
                List<Document> found = documents(SKY_QUERY.cone(indexed, centre[0], centre[1], radiusRad, options));
                List<Document> scan = documents(SKY_QUERY.cone(scanned, centre[0], centre[1], radiusRad, options));
                assertThat(found).as(description).isEqualTo(scan);

                List<Document> nearFound =
                        documents(SKY_QUERY.near(indexed, centre[0], centre[1], 0, radiusRad, options));
                List<Document> nearScan =
                        documents(SKY_QUERY.near(scanned, centre[0], centre[1], 0, radiusRad, options));
                assertThat(nearFound).as("near " + description).isEqualTo(nearScan);
                if (!found.isEmpty()) {
                    nonEmpty++;
                }
            }
        }
        assertThat(nonEmpty).isGreaterThan(cases.size() * centres.length / 2);
    }

    @Test
    void rawRangeQueriesMatchScan() {
        String lon = SkyQuery.GEO_FIELD + ".coordinates.0";
        String lat = SkyQuery.GEO_FIELD + ".coordinates.1";
        List<Document> queries = List.of(
                new Document(lat, new Document("$gte", 10).append("$lte", 11)),
                new Document(lat, new Document("$gt", 10).append("$lt", 11)).append(lon, new Document("$lt", 0)),
                new Document(lat, 0.5),
                new Document(lat, new Document("$eq", 20)).append(lon, -170),
                new Document(lat, new Document("$gte", 20).append("$lte", 10)),
                new Document(lat, new Document("$gte", 89.9)),
                new Document(lat, new Document("$lte", -89.9)).append("mag", new Document("$lt", 15)),
                new Document(lon, new Document("$gte", 179.9)),
                new Document(lon, new Document("$gte", 10)).append(lat, new Document("$gte", 80)),
                new Document(lon, new Document("$gte", 10.5).append("$lte", 10.5)),
                new Document(
                        "$or",
                        List.of(
                                new Document(lat, new Document("$gte", 5).append("$lte", 6)),
                                new Document(lon, new Document("$gte", -1).append("$lte", 1)))),
                new Document(
                        "$or",
                        List.of(new Document(lat, new Document("$gte", 5).append("$lte", 6)), new Document("mag", 12))),
                new Document(
                        "$and",
                        List.of(
                                new Document(lat, new Document("$gte", -10).append("$lte", 10)),
                                new Document(lon, new Document("$in", List.of(10, 10.5))))),
                new Document(lat, new Document("$gte", 20).append("$lte", 30))
                        .append("$nor", List.of(new Document("mag", new Document("$gt", 12)))),
                new Document(lat, new Document("$gte", "a")),
                new Document(lat, new Document("$not", new Document("$gte", 0))),
                new Document(lat, new Document("$gte", -90).append("$lte", 90)),
                new Document(lat, new Document("$gte", 10).append("$lte", 40)).append("_id", new Document("$lt", 100)),
                new Document(lat, new Document("$gte", new Decimal128(new BigDecimal("20"))).append("$lte", 21L)));
        for (Document query : queries) {
            List<Object> found = ids(Flux.from(indexed.find(query)));
            List<Object> scan = ids(Flux.from(scanned.find(query)));
            assertThat(found).as("find %s", query.toJson()).isEqualTo(scan);
        }
    }

    @Test
    void irregularPositionsMatchScan() {
        Document query =
                new Document(SkyQuery.GEO_FIELD + ".coordinates.1", new Document("$gte", 19).append("$lte", 21));
        List<Object> found = ids(Flux.from(indexed.find(query)));
        assertThat(found).isEqualTo(ids(Flux.from(scanned.find(query))));
        // The array-shaped and Decimal128 positions at latitude 20 match the range, as on the scan.
        assertThat(found).contains(-4, -5, -6);
        assertThat(found).doesNotContain(-1, -2, -3);
    }

    @Test
    void invalidFilterFailsAsOnScan() {
        SkyQueryOptions options = SkyQueryOptions.of(new Document("mag", new Document("$noSuchOperator", 1)), null);
        // No source lies within 1" of this centre, so the index yields no candidates.
        double radiusRad = ARCSEC_RAD;
        assertThat(ids(SKY_QUERY.cone(indexed, 100.123456, -33.3, radiusRad, SkyQueryOptions.DEFAULTS)))
                .isEmpty();
        assertThatThrownBy(() -> ids(SKY_QUERY.cone(scanned, 100.123456, -33.3, radiusRad, options)))
                .hasMessageContaining("$noSuchOperator");
        assertThatThrownBy(() -> ids(SKY_QUERY.cone(indexed, 100.123456, -33.3, radiusRad, options)))
                .hasMessageContaining("$noSuchOperator");
    }

    @Test
    void insertSeenByNextQuery() {
        MongoCollection<Document> fresh = freshCollection("fresh_insert");
        assertThat(coneIds(fresh, 150, 20)).containsExactly(1);

        Mono.from(fresh.insertOne(catalogDocument(2, 150 + 1 / 3600.0, 20, 15))).block(TIMEOUT);
        assertThat(coneIds(fresh, 150, 20)).containsExactly(1, 2);

        Mono.from(fresh.insertMany(List.of(catalogDocument(3, 150, 20, 15), catalogDocument(4, 10, 20, 15))))
                .block(TIMEOUT);
        assertThat(coneIds(fresh, 150, 20)).containsExactly(1, 2, 3);
        assertThat(coneIds(fresh, 10, 20)).containsExactly(4);

        Bson upsertFilter = new Document("_id", 5);
        Mono.from(fresh.updateOne(
                        upsertFilter,
                        Updates.set(
                                "coordinates", catalogDocument(5, 10, 20, 15).get("coordinates")),
                        new UpdateOptions().upsert(true)))
                .block(TIMEOUT);
        assertThat(coneIds(fresh, 10, 20)).containsExactly(4, 5);
    }

    @Test
    void positionUpdateSeenByNextQuery() {
        MongoCollection<Document> fresh = freshCollection("fresh_update");
        Mono.from(fresh.insertOne(catalogDocument(2, 300, -40, 15))).block(TIMEOUT);
        assertThat(coneIds(fresh, 150, 20)).containsExactly(1);

        Mono.from(fresh.updateOne(
                        new Document("_id", 1), Updates.set(SkyQuery.GEO_FIELD, Coordinates.geoJsonPoint(300, -40))))
                .block(TIMEOUT);
        assertThat(coneIds(fresh, 150, 20)).isEmpty();
        assertThat(coneIds(fresh, 300, -40)).containsExactly(1, 2);

        Mono.from(fresh.replaceOne(new Document("_id", 2), catalogDocument(2, 0.0001, 89.99, 15)))
                .block(TIMEOUT);
        assertThat(coneIds(fresh, 300, -40)).containsExactly(1);
        assertThat(coneIds(fresh, 0.0001, 89.99)).containsExactly(2);

        Mono.from(fresh.findOneAndReplace(
                        new Document("_id", 2), catalogDocument(2, 359.9999, 0, 15), new FindOneAndReplaceOptions()))
                .block(TIMEOUT);
        assertThat(coneIds(fresh, 0.0001, 89.99)).isEmpty();
        assertThat(coneIds(fresh, 359.9999, 0)).containsExactly(2);

        // An update that removes the position takes the document out of every cone.
        Mono.from(fresh.updateMany(new Document(), Updates.unset("coordinates")))
                .block(TIMEOUT);
        assertThat(coneIds(fresh, 359.9999, 0)).isEmpty();
        assertThat(coneIds(fresh, 300, -40)).isEmpty();

        Mono.from(fresh.updateMany(
                        new Document(),
                        Updates.set(
                                "coordinates", catalogDocument(0, 150, 20, 15).get("coordinates"))))
                .block(TIMEOUT);
        assertThat(coneIds(fresh, 150, 20)).containsExactly(1, 2);
    }

    @Test
    void deleteSeenByNextQuery() {
        MongoCollection<Document> fresh = freshCollection("fresh_delete");
        Mono.from(fresh.insertMany(List.of(
                        catalogDocument(2, 150, 20, 16),
                        catalogDocument(3, 150, 20, 17),
                        catalogDocument(4, 150, 20, 18))))
                .block(TIMEOUT);
        assertThat(coneIds(fresh, 150, 20)).containsExactly(1, 2, 3, 4);

        Mono.from(fresh.deleteOne(new Document("_id", 2))).block(TIMEOUT);
        assertThat(coneIds(fresh, 150, 20)).containsExactly(1, 3, 4);

        Mono.from(fresh.findOneAndDelete(new Document("_id", 3))).block(TIMEOUT);
        assertThat(coneIds(fresh, 150, 20)).containsExactly(1, 4);

        // A delete whose selector is itself a positional range goes through the index too.
        Document window = new Document(
                        SkyQuery.GEO_FIELD + ".coordinates.1", new Document("$gte", 19.9).append("$lte", 20.1))
                .append("mag", new Document("$gt", 17));
        Mono.from(fresh.deleteMany(window)).block(TIMEOUT);
        assertThat(coneIds(fresh, 150, 20)).containsExactly(1);
    }

    @Test
    void droppedAndRecreatedCollectionSeen() {
        MongoCollection<Document> fresh = freshCollection("fresh_drop");
        assertThat(coneIds(fresh, 150, 20)).containsExactly(1);

        Mono.from(fresh.drop()).block(TIMEOUT);
        assertThat(coneIds(fresh, 150, 20)).isEmpty();

        Mono.from(fresh.insertOne(catalogDocument(7, 10, -10, 15))).block(TIMEOUT);
        assertThat(coneIds(fresh, 150, 20)).isEmpty();
        assertThat(coneIds(fresh, 10, -10)).containsExactly(7);
    }

    @Test
    void restartRebuildsIndex(@TempDir Path folder) {
        Path dataFile = folder.resolve("store.mv");
        EmbeddedMongoServer server = EmbeddedMongoServer.start(dataFile, 0);
        List<Object> before;
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            MongoCollection<Document> collection =
                    client.getDatabase("kowalski").getCollection("restart_points");
            List<Document> documents = new ArrayList<>();
            for (int id = 0; id < 400; id++) {
                double[] position = POSITIONS.get(id);
                documents.add(catalogDocument(id, position[0], position[1], 15));
            }
            Mono.from(collection.insertMany(documents)).block(TIMEOUT);
            before = ids(SKY_QUERY.cone(collection, 30, 10, Math.toRadians(40), SkyQueryOptions.DEFAULTS));
        } finally {
            // Closing without an explicit commit, as EmbeddedInfrastructure.stopStore does.
            server.close();
        }
        assertThat(before).isNotEmpty();

        EmbeddedMongoServer restarted = EmbeddedMongoServer.start(dataFile, 0);
        try (MongoClient client = MongoClients.create(restarted.connectionString())) {
            MongoCollection<Document> collection =
                    client.getDatabase("kowalski").getCollection("restart_points");
            assertThat(ids(SKY_QUERY.cone(collection, 30, 10, Math.toRadians(40), SkyQueryOptions.DEFAULTS)))
                    .isEqualTo(before);

            Mono.from(collection.insertOne(catalogDocument(1000, 30, 10, 15))).block(TIMEOUT);
            Mono.from(collection.deleteOne(new Document("_id", before.get(0)))).block(TIMEOUT);
            List<Object> expected = new ArrayList<>(before.subList(1, before.size()));
            expected.add(1000);
            assertThat(ids(SKY_QUERY.cone(collection, 30, 10, Math.toRadians(40), SkyQueryOptions.DEFAULTS)))
                    .isEqualTo(expected);
        } finally {
            restarted.close();
        }
    }

    /** Returns a new collection on the indexed store with source 1 at (150, 20), already queried once. */
    private static MongoCollection<Document> freshCollection(String name) {
        MongoCollection<Document> collection =
                indexedClient.getDatabase("kowalski").getCollection(name);
        Mono.from(collection.drop()).block(TIMEOUT);
        Mono.from(collection.insertOne(catalogDocument(1, 150, 20, 15))).block(TIMEOUT);
        // The first positional query builds the index; later writes must keep it current.
        assertThat(coneIds(collection, 0, -60)).isEmpty();
        return collection;
    }

    private static List<Object> coneIds(MongoCollection<Document> collection, double raDeg, double decDeg) {
        return ids(SKY_QUERY.cone(collection, raDeg, decDeg, 2 * ARCSEC_RAD, SkyQueryOptions.DEFAULTS));
    }

    private static Document catalogDocument(int id, double raDeg, double decDeg, double mag) {
        return new Document("_id", id)
                .append("mag", mag)
                .append(
                        "coordinates",
                        new Document("radec_str", List.of("ra" + id, "dec" + id))
                                .append("radec_geojson", Coordinates.geoJsonPoint(raDeg, decDeg)));
    }

    /** Documents whose position is missing, unusable or not a plain numeric pair. */
    private static List<Document> irregularDocuments() {
        return List.of(
                new Document("_id", -1).append("mag", 12.0),
                new Document("_id", -2).append("mag", 12.0).append("coordinates", new Document("radec_geojson", null)),
                new Document("_id", -3)
                        .append("mag", 12.0)
                        .append(
                                "coordinates",
                                new Document("radec_geojson", new Document("coordinates", List.of("a", "b")))),
                new Document("_id", -4)
                        .append("mag", 12.0)
                        .append(
                                "coordinates",
                                List.of(new Document(
                                        "radec_geojson", new Document("coordinates", List.of(10.0, 20.0))))),
                new Document("_id", -5)
                        .append("mag", 12.0)
                        .append(
                                "coordinates",
                                new Document("radec_geojson", new Document("coordinates", List.of(200.0, 20.0)))),
                new Document("_id", -6)
                        .append("mag", 12.0)
                        .append(
                                "coordinates",
                                new Document(
                                        "radec_geojson",
                                        new Document(
                                                "coordinates",
                                                List.of(
                                                        new Decimal128(new BigDecimal("10.25")),
                                                        new Decimal128(new BigDecimal("20.0")))))));
    }

    private static Set<Integer> bruteForce(double raDeg, double decDeg, double radiusRad, Set<Integer> ambiguous) {
        Set<Integer> inside = new LinkedHashSet<>();
        for (int id = 0; id < POSITIONS.size(); id++) {
            double[] position = POSITIONS.get(id);
            double distanceRad = EmbeddedSkyQueryTest.separationRad(raDeg, decDeg, position[0], position[1]);
            if (radiusRad > 0 && Math.abs(distanceRad - radiusRad) < EDGE_TOLERANCE_RAD) {
                ambiguous.add(id);
            } else if (distanceRad <= radiusRad) {
                inside.add(id);
            }
        }
        return inside;
    }

    private static List<Object> ids(Flux<Document> documents) {
        return documents.map(document -> document.get("_id")).collectList().block(TIMEOUT);
    }

    private static List<Document> documents(Flux<Document> documents) {
        return documents.collectList().block(TIMEOUT);
    }

    private static double asinDeg(double x) {
        return Math.toDegrees(Math.asin(x));
    }
}
