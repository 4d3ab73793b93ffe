package org.kowalski.bench;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.mongo.MongoConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The store and Kafka broker shared by every benchmark of one {@code make bench}: started once (the
 * embedded ones) or connected to (the configured ones), with one client for the benchmark's own reads
 * and writes in the database {@value BenchConfigs#DATABASE}.
 */
public final class BenchEnvironment implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BenchEnvironment.class);

    private final BenchConfigs configs;
    private final KowalskiConfig base;
    private final MongoClient client;
    private final MongoDatabase database;
    private final String bootstrapServers;
    private final AtomicInteger runs = new AtomicInteger();

    private BenchEnvironment(BenchConfigs configs, KowalskiConfig base) {
        this.configs = configs;
        this.base = base;
        EmbeddedInfrastructure.ensureStarted(base);
        this.client = MongoConnections.connect(base);
        this.database = client.getDatabase(base.database().db());
        this.bootstrapServers = EmbeddedInfrastructure.bootstrapServers(base);
    }

    /** Starts or connects to the store and Kafka and empties the benchmark database. */
    public static BenchEnvironment start(Path workDir) {
        BenchConfigs configs = BenchConfigs.load(workDir);
        BenchEnvironment environment = new BenchEnvironment(configs, configs.base());
        Mono.from(environment.database.drop()).block();
        log.info(
                "Benchmark store: {} (database {}), Kafka: {}",
                environment.storeDescription(),
                BenchConfigs.DATABASE,
                environment.bootstrapServers);
        return environment;
    }

    public BenchConfigs configs() {
        return configs;
    }

    public KowalskiConfig base() {
        return base;
    }

    public MongoDatabase database() {
        return database;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Returns a number unique within this benchmark process, for topic and consumer group names. */
    public int nextRunNumber() {
        return runs.incrementAndGet();
    }

    /** Returns a description of the measured store: the embedded one, or the configured MongoDB. */
    public String storeDescription() {
        return base.database().isEmbedded()
                ? "embedded MongoDB-wire server (mongo-java-server 1.47.0 with its H2 file store)"
                : "MongoDB at " + MongoConnections.describe(base);
    }

    /** Returns a description of the measured Kafka: the in-process broker, or the configured one. */
    public String kafkaDescription() {
        return base.kafka().isEmbedded()
                ? "in-process single-node Kafka (KRaft) broker"
                : "Kafka at " + bootstrapServers;
    }

    /** Drops a collection of the benchmark database. */
    public void drop(String collection) {
        Mono.from(database.getCollection(collection).drop()).block();
    }

    /** Deletes Kafka topics, freeing their log segments; a failure is logged and ignored. */
    public void deleteTopics(List<String> topics) {
        try (AdminClient admin =
                AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Deleting the benchmark topics {} failed; their log segments stay: {}", topics, e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        client.close();
        EmbeddedInfrastructure.stop();
    }
}
