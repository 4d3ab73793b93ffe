package org.kowalski.common.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/** Builds the reactive MongoDB client of a service from the {@code database} section. */
public final class MongoConnections {

    private static final Logger log = LoggerFactory.getLogger(MongoConnections.class);

    private MongoConnections() {}

    /**
     * Returns the connection string: the embedded server's when one runs in this process, else
     * {@code database.uri}, else one built from host, port, credentials and replica set as the original
     * builds it (credentials URL-encoded, which the original forgot).
     */
    public static String connectionString(KowalskiConfig config) {
        KowalskiConfig.Database database = config.database();
        if (database.isEmbedded()) {
            String embedded = EmbeddedInfrastructure.embeddedMongoConnectionString();
            if (embedded == null) {
                throw new IllegalStateException("database.embedded is true but the embedded store is not started:"
                        + " call EmbeddedInfrastructure.ensureStarted first");
            }
            return embedded;
        }
        if (database.uri() != null && !database.uri().isBlank()) {
            return database.uri();
        }
        boolean srv = Boolean.TRUE.equals(database.srv());
        StringBuilder uri = new StringBuilder(srv ? "mongodb+srv://" : "mongodb://");
        if (database.username() != null && database.password() != null) {
            uri.append(encode(database.username()))
                    .append(':')
                    .append(encode(database.password()))
                    .append('@');
        }
        uri.append(database.host());
        if (!srv) {
            uri.append(':').append(database.port());
        }
        uri.append('/').append(database.db());
        if (database.replicaSet() != null && !database.replicaSet().isBlank()) {
            uri.append("?replicaSet=").append(encode(database.replicaSet()));
        } else if (!srv) {
            uri.append("?directConnection=true");
        }
        if (database.username() != null && database.password() != null) {
            uri.append(uri.indexOf("?") < 0 ? '?' : '&').append("authSource=").append(encode(database.db()));
        }
        return uri.toString();
    }

    /** Returns where the store is, for logs and messages, without credentials. */
    public static String describe(KowalskiConfig config) {
        ConnectionString parsed = new ConnectionString(connectionString(config));
        String where = String.join(",", parsed.getHosts());
        return (config.database().isEmbedded() ? "embedded store at " : "MongoDB at ") + where + "/"
                + config.database().db();
    }

    /**
     * Creates the client and checks that the store answers a ping within {@code database.connect_timeout_ms},
     * so that a wrong host stops the service at start-up with a message naming it.
     */
    public static MongoClient connect(KowalskiConfig config) {
        String uri = connectionString(config);
        ConnectionString parsed = new ConnectionString(uri);
        long timeoutMs = config.database().connectTimeoutMs() == null
                ? 10_000
                : config.database().connectTimeoutMs();
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(parsed)
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(timeoutMs, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(socket -> socket.connectTimeout((int) timeoutMs, TimeUnit.MILLISECONDS));
        if (config.database().maxPoolSize() != null && parsed.getMaxConnectionPoolSize() == null) {
            settings.applyToConnectionPoolSettings(
                    pool -> pool.maxSize(config.database().maxPoolSize()));
        }
        MongoClient client = MongoClients.create(settings.build());
        try {
            Mono.from(client.getDatabase("admin").runCommand(new Document("ping", 1)))
                    .block(Duration.ofMillis(timeoutMs + 5_000));
        } catch (RuntimeException e) {
            client.close();
            throw new StoreUnavailableException(
                    "Cannot reach " + describe(config) + " within " + timeoutMs
                            + " ms (" + rootMessage(e) + "): check database.host and database.port (or database.uri),"
                            + " or set database.embedded: true for a local run",
                    e);
        }
        log.info("Connected to {}", describe(config));
        return client;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
