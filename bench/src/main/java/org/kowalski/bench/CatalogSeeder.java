package org.kowalski.bench;

import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bson.Document;
import org.kowalski.bench.replay.AlertReplayer;
import org.kowalski.common.sky.Coordinates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Writes the synthetic source catalog that the cross-match and cone-search benchmarks query, in the
 * shape the catalog ingester writes ({@code _id}, {@code ra}, {@code dec} and {@code coordinates} with
 * {@code radec_geojson} and {@code radec_str}). Every tenth replayed object gets a source within 1",
 * and the other sources spread uniformly over the same sky areas as the replayed alerts, about 3,500
 * sources per square degree for 100,000 sources around the 36 ZTF samples.
 */
public final class CatalogSeeder {

    private static final Logger log = LoggerFactory.getLogger(CatalogSeeder.class);

    /** Name of the catalog collection. */
    public static final String CATALOG = "BENCH_sources";

    private static final int BATCH = 1000;

    private CatalogSeeder() {}

    /** Drops and writes the catalog, with its 2dsphere index, and returns its name. */
    public static String seed(BenchEnvironment environment, AlertReplayer replayer, int sources, long seed) {
        environment.drop(CATALOG);
        MongoCollection<Document> collection = environment.database().getCollection(CATALOG);
        SplittableRandom random = new SplittableRandom(seed);
        List<Document> batch = new ArrayList<>(BATCH);
        int written = 0;
        int counterparts = 0;
        long startNanos = System.nanoTime();

        for (int alert = 0; alert < replayer.alerts() && written < sources / 10; alert++) {
            if (replayer.isRepeat(alert) || alert % 10 != 0) {
                continue;
            }
            double[] position = near(replayer.raDeg(alert), replayer.decDeg(alert), 1.0 / 3600.0, random);
            batch.add(source(written++, position[0], position[1], random));
            counterparts++;
            flushIfFull(collection, batch);
        }

        while (written < sources) {
            int template = random.nextInt(Math.max(1, Math.min(replayer.alerts(), 36)));
            double[] position =
                    near(replayer.raDeg(template), replayer.decDeg(template), AlertReplayer.SPREAD_DEG, random);
            batch.add(source(written++, position[0], position[1], random));
            flushIfFull(collection, batch);
        }
        if (!batch.isEmpty()) {
            insert(collection, batch);
        }

        try {
            Mono.from(collection.createIndex(Indexes.geo2dsphere("coordinates.radec_geojson")))
                    .block();
        } catch (RuntimeException e) {
            log.warn(
                    "Creating the 2dsphere index of {} failed; cone searches scan the collection: {}",
                    CATALOG,
                    e.toString());
        }
        log.info(
                "Catalog {}: {} sources ({} within 1\" of a replayed object) written in {} s",
                CATALOG,
                written,
                counterparts,
                (System.nanoTime() - startNanos) / 1_000_000_000);
        return CATALOG;
    }

    private static void flushIfFull(MongoCollection<Document> collection, List<Document> batch) {
        if (batch.size() >= BATCH) {
            insert(collection, batch);
        }
    }

    private static void insert(MongoCollection<Document> collection, List<Document> batch) {
        Mono.from(collection.insertMany(new ArrayList<>(batch), new InsertManyOptions().ordered(false)))
                .block();
        batch.clear();
    }

    private static Document source(long id, double raDeg, double decDeg, SplittableRandom random) {
        return new Document("_id", id)
                .append("ra", raDeg)
                .append("dec", decDeg)
                .append("mag", 14.0 + 8.0 * random.nextDouble())
                .append("mag_err", 0.01 + 0.1 * random.nextDouble())
                .append(
                        "coordinates",
                        new Document("radec_str", Coordinates.radecStr(raDeg, decDeg))
                                .append("radec_geojson", Coordinates.geoJsonPoint(raDeg, decDeg)));
    }

    /** Returns a position uniformly distributed within {@code radiusDeg} of the centre. */
    private static double[] near(double raDeg, double decDeg, double radiusDeg, SplittableRandom random) {
        double distance = radiusDeg * Math.sqrt(random.nextDouble());
        double angle = 2 * Math.PI * random.nextDouble();
        double dec = Math.max(-90.0, Math.min(90.0, decDeg + distance * Math.sin(angle)));
        double cosDec = Math.max(Math.cos(Math.toRadians(dec)), 1e-6);
        double ra = (raDeg + distance * Math.cos(angle) / cosDec) % 360.0;
        return new double[] {ra < 0 ? ra + 360.0 : ra, dec};
    }
}
