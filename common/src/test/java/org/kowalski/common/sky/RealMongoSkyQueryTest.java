package org.kowalski.common.sky;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.testcontainers.mongodb.MongoDBContainer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs the same random cones and nearest queries through the native geo operators of a real MongoDB
 * (in a Testcontainers container) and through the embedded implementation's logic on the same server,
 * and compares both with a brute-force selection. Runs only under {@code make test-real}
 * ({@code -Dkowalski.test.real=true}), which needs a Docker engine.
 */
@EnabledIfSystemProperty(named = "kowalski.test.real", matches = "true")
class RealMongoSkyQueryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final double EDGE_TOLERANCE_RAD = 1e-12;

    private static MongoDBContainer container;
    private static MongoClient client;
    private static MongoCollection<Document> collection;
    private static final List<double[]> POINTS = new ArrayList<>();

    @BeforeAll
    static void startMongo() {
        container = new MongoDBContainer("mongo:7.0");
        container.start();
        client = MongoClients.create(container.getConnectionString());
        collection = client.getDatabase("kowalski").getCollection("sky_points");

        Random random = new Random(20240311L);
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            double raDeg;
            double decDeg;
            switch (i % 3) {
                case 0 -> {
                    raDeg = (360 + 2 * random.nextDouble() - 1) % 360;
                    decDeg = 60 * random.nextDouble() - 30;
                }
                case 1 -> {
                    raDeg = 360 * random.nextDouble();
                    decDeg = (random.nextBoolean() ? 1 : -1) * (90 - 3 * random.nextDouble());
                }
                default -> {
                    raDeg = 360 * random.nextDouble();
                    decDeg = Math.toDegrees(Math.asin(2 * random.nextDouble() - 1));
                }
            }
            POINTS.add(new double[] {raDeg, decDeg});
            documents.add(new Document("_id", i)
                    .append("coordinates", new Document("radec_geojson", Coordinates.geoJsonPoint(raDeg, decDeg))));
        }
        Mono.from(collection.insertMany(documents)).block(TIMEOUT);
        Mono.from(collection.createIndex(new Document("coordinates.radec_geojson", "2dsphere")))
                .block(TIMEOUT);
    }

    @AfterAll
    static void stopMongo() {
        if (client != null) {
            client.close();
        }
        if (container != null) {
            container.stop();
        }
    }

    @Test
    void nativeAndEmbeddedConesMatchBruteForce() {
        SkyQuery nativeQuery = SkyQuery.forStore(false);
        SkyQuery embeddedQuery = SkyQuery.forStore(true);
        Random random = new Random(7L);
        for (int i = 0; i < 200; i++) {
            double raDeg = i % 3 == 0 ? (360 + 4 * random.nextDouble() - 2) % 360 : 360 * random.nextDouble();
            double decDeg = i % 3 == 1
                    ? (random.nextBoolean() ? 1 : -1) * (84 + 6 * random.nextDouble())
                    : Math.toDegrees(Math.asin(2 * random.nextDouble() - 1));
            double radiusRad = i % 20 == 0 ? 0 : (Math.PI / 648_000) * Math.pow(648_000, random.nextDouble());

            Set<Integer> expected = new LinkedHashSet<>();
            Set<Integer> ambiguous = new LinkedHashSet<>();
            for (int id = 0; id < POINTS.size(); id++) {
                double d = EmbeddedSkyQueryTest.separationRad(raDeg, decDeg, POINTS.get(id)[0], POINTS.get(id)[1]);
                if (radiusRad > 0 && Math.abs(d - radiusRad) < EDGE_TOLERANCE_RAD) {
                    ambiguous.add(id);
                } else if (d <= radiusRad) {
                    expected.add(id);
                }
            }

            Set<Integer> fromNative =
                    ids(nativeQuery.cone(collection, raDeg, decDeg, radiusRad, SkyQueryOptions.DEFAULTS));
            Set<Integer> fromEmbedded =
                    ids(embeddedQuery.cone(collection, raDeg, decDeg, radiusRad, SkyQueryOptions.DEFAULTS));
            fromNative.removeAll(ambiguous);
            fromEmbedded.removeAll(ambiguous);
            assertThat(fromNative).as("native cone %s", i).isEqualTo(expected);
            assertThat(fromEmbedded).as("embedded cone %s", i).isEqualTo(expected);
        }
    }

    @Test
    void nativeAndEmbeddedNearAgree() {
        SkyQuery nativeQuery = SkyQuery.forStore(false);
        SkyQuery embeddedQuery = SkyQuery.forStore(true);
        Random random = new Random(13L);
        for (int i = 0; i < 50; i++) {
            double raDeg = 360 * random.nextDouble();
            double decDeg = Math.toDegrees(Math.asin(2 * random.nextDouble() - 1));
            double maxRad = Math.toRadians(1 + 10 * random.nextDouble());
            double minRad = i % 2 == 0 ? 0 : maxRad / 3;
            SkyQueryOptions options = SkyQueryOptions.DEFAULTS.withLimit(10);

            List<Integer> fromNative = nativeQuery
                    .near(collection, raDeg, decDeg, minRad, maxRad, options)
                    .map(document -> document.getInteger("_id"))
                    .collectList()
                    .block(TIMEOUT);
            List<Integer> fromEmbedded = embeddedQuery
                    .near(collection, raDeg, decDeg, minRad, maxRad, options)
                    .map(document -> document.getInteger("_id"))
                    .collectList()
                    .block(TIMEOUT);
            assertThat(fromEmbedded).as("near %s", i).isEqualTo(fromNative);
        }
    }

    private static Set<Integer> ids(Flux<Document> documents) {
        return documents
                .map(document -> document.getInteger("_id"))
                .collect(Collectors.toCollection(LinkedHashSet::new))
                .block(TIMEOUT);
    }
}
