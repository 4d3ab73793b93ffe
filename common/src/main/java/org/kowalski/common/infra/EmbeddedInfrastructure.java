package org.kowalski.common.infra;

import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store and the Kafka broker that the services of one process use: the embedded ones when the
 * configuration sets {@code database.embedded} or {@code kafka.embedded}, started once per process and
 * shared by every service in it, or else the configured external ones, for which nothing is started.
 */
public final class EmbeddedInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);

    /** System property set by the local launcher, which stops services and servers itself, in order. */
    public static final String LAUNCHER_PROPERTY = "kowalski.launcher";

    private static EmbeddedMongoServer mongo;
    private static EmbeddedKafkaServer kafka;
    private static boolean shutdownHookAdded;
    private static EmbeddedMongoServer stoppedStore;

    private EmbeddedInfrastructure() {}

    /** Starts the embedded servers that the configuration asks for and that this process has not started yet. */
    public static synchronized void ensureStarted(KowalskiConfig config) {
        if (config.database().isEmbedded() && mongo == null) {
            mongo = EmbeddedMongoServer.start(
                    config.resolvePath(config.database().embeddedDataFile()),
                    config.database().port());
        }
        if (config.kafka().isEmbedded() && kafka == null) {
            kafka = EmbeddedKafkaServer.start(
                    config.resolvePath(config.kafka().embeddedLogDir()),
                    config.kafka().embeddedPort());
        }
        // The launcher stops the services before the servers, so it owns the shutdown order.
        boolean launcherStops = Boolean.getBoolean(LAUNCHER_PROPERTY);
        if (!launcherStops && !shutdownHookAdded && (mongo != null || kafka != null)) {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(EmbeddedInfrastructure::stop, "embedded-infrastructure-stop"));
            shutdownHookAdded = true;
        }
    }

    /** Returns the MongoDB connection string to use: the embedded server's, or {@code null} for the configured store. */
    public static synchronized String embeddedMongoConnectionString() {
        return mongo == null ? null : mongo.connectionString();
    }

    /** Returns the Kafka bootstrap servers to use for this configuration. */
    public static synchronized String bootstrapServers(KowalskiConfig config) {
        if (config.kafka().isEmbedded()) {
            if (kafka == null) {
                throw new IllegalStateException("kafka.embedded is true but the embedded broker is not started:"
                        + " call EmbeddedInfrastructure.ensureStarted first");
            }
            return kafka.bootstrapServers();
        }
        return config.kafka().bootstrapServers();
    }

    /** Writes pending changes of the embedded store to its file, if one runs. */
    public static synchronized void commitStore() {
        if (mongo != null) {
            mongo.commit();
        }
    }

    /**
     * Stops the embedded store, as an outage would, keeping its file and port so that {@link
     * #restartStore()} brings it back at the same address with the same data. For outage tests.
     */
    public static synchronized void stopStore() {
        if (mongo == null) {
            throw new IllegalStateException("No embedded store runs in this process, so there is none to stop");
        }
        mongo.close();
        stoppedStore = mongo;
        mongo = null;
    }

    /** Starts the store stopped by {@link #stopStore()} again, on the same port and file. */
    public static synchronized void restartStore() {
        if (stoppedStore == null) {
            throw new IllegalStateException("The embedded store was not stopped by stopStore, so none can restart");
        }
        mongo = EmbeddedMongoServer.start(stoppedStore.dataFile(), stoppedStore.port());
        stoppedStore = null;
    }

    /** Stops the embedded servers, Kafka first so that no consumer writes to a closed store. */
    public static synchronized void stop() {
        if (kafka != null) {
            try {
                kafka.close();
            } catch (RuntimeException e) {
                log.warn("Stopping the embedded Kafka broker failed: {}", e.toString());
            }
            kafka = null;
        }
        if (mongo != null) {
            try {
                mongo.close();
            } catch (RuntimeException e) {
                log.warn("Stopping the embedded MongoDB-wire server failed: {}", e.toString());
            }
            mongo = null;
        }
    }
}
