package org.kowalski.bench.ceiling;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.kowalski.bench.BenchEnvironment;
import org.kowalski.bench.replay.AlertReplayer;
import org.kowalski.common.alert.AlertContainerReader;
import org.kowalski.common.alert.AlertMongifier;
import org.kowalski.common.alert.AvroDocuments;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.sky.SkyQuery;
import org.kowalski.common.xmatch.CatalogCrossMatcher;
import reactor.core.publisher.Mono;

/**
 * The limits the broker cannot beat on this machine, measured on the same replayed alerts. They are Avro
 * decoding alone with the broker's reader, decoding plus conversion to the stored document, a bulk
 * insert of those documents into the same store without the pipeline, and the cross-match of one new
 * object. Each runs on one thread, so its rate is a rate per core.
 */
public final class Ceilings {

    /** Alerts encoded and decoded per step, which bounds the memory the ceilings hold at once. */
    private static final int CHUNK = 500;

    /** Documents per insertMany, as many as the broker's default batch (brokers.ZTF.max_poll_records). */
    public static final int INSERT_BATCH = 100;

    private final BenchEnvironment environment;

    public Ceilings(BenchEnvironment environment) {
        this.environment = environment;
    }

    /** Decoding rates in alerts per second of one thread. */
    public record DecodeRates(double decodeOnly, double decodeAndMongify) {}

    /** Decodes the first {@code alerts} alerts of the replayer and returns the rates. */
    public DecodeRates decode(AlertReplayer replayer, int alerts) {
        AlertContainerReader reader = new AlertContainerReader();
        long decodeNanos = 0;
        long convertNanos = 0;
        long checksum = 0;
        for (int start = 0; start < alerts; start += CHUNK) {
            List<byte[]> messages = encode(replayer, start, alerts);
            long t0 = System.nanoTime();
            List<List<GenericRecord>> decoded = new ArrayList<>(messages.size());
            for (byte[] message : messages) {
                decoded.add(reader.read(message).records());
            }
            long t1 = System.nanoTime();
            for (List<GenericRecord> records : decoded) {
                for (GenericRecord record : records) {
                    checksum += AlertMongifier.mongify(AvroDocuments.toDocument(record), "objectId")
                            .candid();
                }
            }
            long t2 = System.nanoTime();
            decodeNanos += t1 - t0;
            convertNanos += t2 - t1;
        }
        if (checksum == 0) {
            throw new IllegalStateException("no alert decoded");
        }
        return new DecodeRates(alerts * 1e9 / decodeNanos, alerts * 1e9 / (decodeNanos + convertNanos));
    }

    /**
     * Inserts the stored form of the first {@code alerts} alerts into a fresh collection with a unique candid index, in
     * unordered batches of {@value #INSERT_BATCH}, and returns documents per second. Only the insert
     * calls are timed.
     */
    public double bulkInsert(AlertReplayer replayer, int alerts) {
        String name = "ZTF_alerts_insert_ceiling";
        environment.drop(name);
        MongoCollection<Document> collection = environment.database().getCollection(name);
        Mono.from(collection.createIndex(Indexes.descending("candid"), new IndexOptions().unique(true)))
                .block();
        AlertContainerReader reader = new AlertContainerReader();
        long insertNanos = 0;
        for (int start = 0; start < alerts; start += CHUNK) {
            List<Document> documents = new ArrayList<>();
            for (byte[] message : encode(replayer, start, alerts)) {
                for (GenericRecord record : reader.read(message).records()) {
                    documents.add(AlertMongifier.mongify(AvroDocuments.toDocument(record), "objectId")
                            .alert());
                }
            }
            for (int from = 0; from < documents.size(); from += INSERT_BATCH) {
                List<Document> batch = documents.subList(from, Math.min(documents.size(), from + INSERT_BATCH));
                long t0 = System.nanoTime();
                Mono.from(collection.insertMany(batch, new InsertManyOptions().ordered(false)))
                        .block();
                // The broker writes the embedded store's file after each batch, so the ceiling does too.
                EmbeddedInfrastructure.commitStore();
                insertNanos += System.nanoTime() - t0;
            }
        }
        environment.drop(name);
        return alerts * 1e9 / insertNanos;
    }

    /**
     * Cross-matches the positions of the first new objects of the replayer against the configured
     * catalogs, one at a time, as the broker does for each new object, and returns milliseconds per
     * object. It stops after {@code objects} objects or {@code limitNanos}, whichever comes first.
     */
    public double crossMatch(KowalskiConfig config, AlertReplayer replayer, int objects, long limitNanos) {
        CatalogCrossMatcher matcher =
                new CatalogCrossMatcher(environment.database(), SkyQuery.forConfig(config), config);
        long start = System.nanoTime();
        int matched = 0;
        for (int i = 0; i < replayer.alerts() && matched < objects; i++) {
            if (replayer.isRepeat(i)) {
                continue;
            }
            matcher.crossMatch("ZTF", replayer.objectId(i), replayer.raDeg(i), replayer.decDeg(i))
                    .block();
            matched++;
            if (System.nanoTime() - start > limitNanos) {
                break;
            }
        }
        return (System.nanoTime() - start) / 1e6 / Math.max(1, matched);
    }

    private static List<byte[]> encode(AlertReplayer replayer, int start, int alerts) {
        int end = Math.min(alerts, start + CHUNK);
        List<byte[]> messages = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            messages.add(replayer.encode(i));
        }
        return messages;
    }
}
