package org.kowalski.common.sky;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.kowalski.common.infra.EmbeddedMongoServer;
import reactor.core.publisher.Mono;

/**
 * Times cone searches on a generated all-sky catalog in two file-backed stores: the embedded store with
 * its position index and a plain mongo-java-server H2 store, which scans the collection. Not a test.
 *
 * <p>Arguments: number of sources (default 100000), number of timed cones on the indexed store
 * (default 500) and on the scanning store (default 15). Prints medians and percentiles in milliseconds
 * and the heap taken by the index.
 */
public final class EmbeddedSkyIndexBenchmark {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final double ARCSEC_RAD = Math.PI / 648_000;
    private static final SkyQuery SKY_QUERY = SkyQuery.forStore(true);

    private EmbeddedSkyIndexBenchmark() {}

    public static void main(String[] args) throws Exception {
        int sourceCount = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int indexedCones = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int scanCones = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        Path folder = Files.createTempDirectory("sky-index-benchmark");
        List<Document> catalog = catalog(sourceCount);

        EmbeddedMongoServer indexedServer = EmbeddedMongoServer.start(folder.resolve("indexed.mv"), 0);
        MVStore scanStore = new MVStore.Builder()
                .fileName(folder.resolve("scan.mv").toString())
                .autoCompactFillRate(0)
                .open();
        MongoServer scanServer = new MongoServer(new H2Backend(scanStore));
        int scanPort = scanServer.bind().getPort();
        try (MongoClient indexedClient = MongoClients.create(indexedServer.connectionString());
                MongoClient scanClient = MongoClients.create("mongodb://127.0.0.1:" + scanPort)) {
            MongoCollection<Document> indexed =
                    indexedClient.getDatabase("kowalski").getCollection("benchmark_catalog");
            MongoCollection<Document> scanned =
                    scanClient.getDatabase("kowalski").getCollection("benchmark_catalog");
            insert(indexed, catalog);
            insert(scanned, catalog);

            long heapBeforeBytes = usedHeapBytes();
            long buildStartNanos = System.nanoTime();
            cone(indexed, 10, 10, 2 * ARCSEC_RAD);
            double buildMs = (System.nanoTime() - buildStartNanos) / 1e6;
            long heapAfterBytes = usedHeapBytes();
            System.out.printf(
                    "first query with index build: %.0f ms; heap taken by the index: about %d bytes per source%n",
                    buildMs, (heapAfterBytes - heapBeforeBytes) / sourceCount);

            Random random = new Random(5L);
            for (double radiusArcsec : new double[] {2, 60, 1800}) {
                timeCones("indexed", indexed, random, 50, indexedCones, radiusArcsec);
            }
            timeCones("scan", scanned, random, 2, scanCones, 2);
        } finally {
            indexedServer.close();
            scanServer.shutdownNow();
            scanStore.close();
        }
    }

    private static void timeCones(
            String label,
            MongoCollection<Document> collection,
            Random random,
            int warmups,
            int count,
            double radiusArcsec) {
        for (int i = 0; i < warmups; i++) {
            cone(
                    collection,
                    360 * random.nextDouble(),
                    asinDeg(2 * random.nextDouble() - 1),
                    radiusArcsec * ARCSEC_RAD);
        }
        double[] millis = new double[count];
        long matches = 0;
        for (int i = 0; i < count; i++) {
            double raDeg = 360 * random.nextDouble();
            double decDeg = asinDeg(2 * random.nextDouble() - 1);
            long startNanos = System.nanoTime();
            matches += cone(collection, raDeg, decDeg, radiusArcsec * ARCSEC_RAD);
            millis[i] = (System.nanoTime() - startNanos) / 1e6;
        }
        Arrays.sort(millis);
        System.out.printf(
                "%s, radius %.0f arcsec, %d cones: median %.3f ms, p10 %.3f ms, p90 %.3f ms, %d matches in all%n",
                label, radiusArcsec, count, millis[count / 2], millis[count / 10], millis[count * 9 / 10], matches);
    }

    private static int cone(MongoCollection<Document> collection, double raDeg, double decDeg, double radiusRad) {
        return SKY_QUERY
                .cone(collection, raDeg, decDeg, radiusRad, SkyQueryOptions.DEFAULTS)
                .collectList()
                .block(TIMEOUT)
                .size();
    }

    private static void insert(MongoCollection<Document> collection, List<Document> catalog) {
        for (int start = 0; start < catalog.size(); start += 1000) {
            List<Document> batch = catalog.subList(start, Math.min(catalog.size(), start + 1000));
            Mono.from(collection.insertMany(batch)).block(TIMEOUT);
        }
    }

    /** Sources spread uniformly over the sky, shaped like the documents of an imported catalog. */
    private static List<Document> catalog(int sourceCount) {
        Random random = new Random(20261205L);
        List<Document> catalog = new ArrayList<>(sourceCount);
        for (int id = 0; id < sourceCount; id++) {
            double raDeg = 360 * random.nextDouble();
            double decDeg = asinDeg(2 * random.nextDouble() - 1);
            catalog.add(new Document("_id", id)
                    .append("name", "SRC" + id)
                    .append("ra", raDeg)
                    .append("dec", decDeg)
                    .append("mag", 10 + 10 * random.nextDouble())
                    .append(
                            "coordinates",
                            new Document("radec_str", Coordinates.radecStr(raDeg, decDeg))
                                    .append("radec_geojson", Coordinates.geoJsonPoint(raDeg, decDeg))));
        }
        return catalog;
    }

    private static long usedHeapBytes() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static double asinDeg(double x) {
        return Math.toDegrees(Math.asin(x));
    }
}
