package org.kowalski.ingest;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.mongo.MongoConnections;
import org.kowalski.common.mongo.StoreUnavailableException;

/**
 * Connects the ingester to the store the services use. With {@code database.embedded: false} that is the
 * configured MongoDB. With {@code database.embedded: true} the store lives inside the process of
 * {@code make run}, so the ingester connects to it on 127.0.0.1 at {@code database.port}; or, when asked
 * to, it opens the embedded store file itself (only while no other process has it open).
 */
final class StoreConnector {

    /** How long to wait for an embedded store on the loopback interface, in milliseconds. */
    static final long LOOPBACK_TIMEOUT_MS = 3_000;

    private StoreConnector() {}

    /** An open connection; closing it also stops and saves an embedded store this process started. */
    record Connection(MongoClient client, MongoDatabase database, boolean startedEmbeddedStore)
            implements AutoCloseable {

        @Override
        public void close() {
            client.close();
            if (startedEmbeddedStore) {
                EmbeddedInfrastructure.commitStore();
                EmbeddedInfrastructure.stop();
            }
        }
    }

    /**
     * Connects to the store.
     *
     * @param startEmbeddedStore with {@code database.embedded: true}, open the store file in this process
     *     instead of connecting to a running {@code make run}
     * @throws StoreUnavailableException naming where the store was expected and how to start it
     */
    static Connection connect(KowalskiConfig config, boolean startEmbeddedStore) {
        KowalskiConfig.Database database = config.database();
        if (!database.isEmbedded() || EmbeddedInfrastructure.embeddedMongoConnectionString() != null) {
            return open(config, false);
        }
        if (startEmbeddedStore) {
            EmbeddedInfrastructure.ensureStarted(withoutEmbeddedKafka(config));
            return open(config, true);
        }
        int port = database.port() == null ? 27017 : database.port();
        long timeoutMs = database.connectTimeoutMs() == null
                ? LOOPBACK_TIMEOUT_MS
                : Math.min(database.connectTimeoutMs(), LOOPBACK_TIMEOUT_MS);
        try {
            return open(loopback(config, port, timeoutMs), false);
        } catch (StoreUnavailableException e) {
            throw new StoreUnavailableException(
                    "No embedded store is listening on 127.0.0.1:" + port + " (no response within " + timeoutMs
                            + " ms)."
                            + " With database.embedded: true the store runs inside `make run`: start it in another"
                            + " terminal and ingest again, or pass --start_embedded_store to open the store file "
                            + config.resolvePath(database.embeddedDataFile()) + " in this process (only while"
                            + " `make run` is stopped)",
                    e);
        }
    }

    private static Connection open(KowalskiConfig config, boolean startedEmbeddedStore) {
        MongoClient client = MongoConnections.connect(config);
        return new Connection(client, client.getDatabase(config.database().db()), startedEmbeddedStore);
    }

    /** Returns the configuration with the store addressed as an external one on the loopback interface. */
    private static KowalskiConfig loopback(KowalskiConfig config, int port, long timeoutMs) {
        Map<String, Object> tree = deepCopy(config.raw());
        Map<String, Object> database = section(tree, "database");
        database.put("embedded", false);
        database.put("uri", "mongodb://127.0.0.1:" + port + "/?directConnection=true");
        database.put("connect_timeout_ms", timeoutMs);
        return KowalskiConfig.fromTree(tree, config.baseDir());
    }

    /** Returns the configuration without the embedded Kafka broker, which the ingester does not use. */
    private static KowalskiConfig withoutEmbeddedKafka(KowalskiConfig config) {
        Map<String, Object> tree = deepCopy(config.raw());
        section(tree, "kafka").put("embedded", false);
        return KowalskiConfig.fromTree(tree, config.baseDir());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> tree, String name) {
        return (Map<String, Object>) tree.computeIfAbsent(name, key -> new LinkedHashMap<String, Object>());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> source) {
        Map<String, Object> copy = new LinkedHashMap<>();
        source.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map) {
                copy.put(key, deepCopy((Map<String, Object>) map));
            } else if (value instanceof List<?> list) {
                copy.put(key, new ArrayList<>(list));
            } else {
                copy.put(key, value);
            }
        });
        return copy;
    }
}
