package org.kowalski.common.testing;

import com.mongodb.reactivestreams.client.MongoDatabase;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.bson.Document;
import org.kowalski.common.alert.AlertMongifier;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.kafka.AlertStreamer;
import org.kowalski.common.skyportal.SurveyProfile;
import org.kowalski.common.skyportal.Thumbnails;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Helpers for the integration tests of a survey broker running on the embedded store and Kafka:
 * configuration, streaming sample folders, waiting for counts, reading documents and the broker's
 * committed offsets and Prometheus metrics.
 */
public final class SurveyBrokerTesting {

    /** How long a test waits for the broker to reach a count before it fails. */
    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static final Duration STORE_CALL = Duration.ofSeconds(30);

    private SurveyBrokerTesting() {}

    /**
     * Returns the test configuration of a survey's broker, with the embedded servers started: a random
     * management port, topics looked up every second, and {@code brokerSettings} merged into {@code
     * brokers.<survey>}.
     */
    public static KowalskiConfig config(String survey, Map<String, Object> brokerSettings) {
        Map<String, Object> broker = new LinkedHashMap<>(brokerSettings);
        broker.putIfAbsent("management_port", 0);
        KowalskiConfig config = TestConfigs.embedded(Map.of(
                "kafka", Map.of("topic_refresh_ms", 1000),
                "database", Map.of("connect_timeout_ms", 3000),
                "brokers", Map.of(survey, broker)));
        EmbeddedInfrastructure.ensureStarted(config);
        return config;
    }

    /** Publishes every alert file of a sample folder to a topic, one message each, in name order. */
    public static int stream(KowalskiConfig config, String topic, String sampleFolder) throws Exception {
        Path folder = SharedData.require(sampleFolder);
        return AlertStreamer.stream(EmbeddedInfrastructure.bootstrapServers(config), topic, folder, 1);
    }

    /** Sends messages to a topic in order and waits until Kafka acknowledged them all. */
    public static void produce(KowalskiConfig config, String topic, List<byte[]> messages) throws Exception {
        String bootstrapServers = EmbeddedInfrastructure.bootstrapServers(config);
        AlertStreamer.createTopicIfMissing(bootstrapServers, topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class))) {
            for (byte[] message : messages) {
                producer.send(new ProducerRecord<>(topic, message)).get();
            }
        }
    }

    /** Returns the offset that a consumer group committed on partition 0 of a topic, or -1. */
    public static long committedOffset(KowalskiConfig config, String groupId, String topic) {
        try (AdminClient admin = AdminClient.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers(config)))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get();
            OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
            return offset == null ? -1 : offset.offset();
        } catch (Exception e) {
            throw new IllegalStateException("Reading the committed offsets of group " + groupId + " failed", e);
        }
    }

    /** Returns the text of a broker's Prometheus endpoint. */
    public static String prometheus(ConfigurableApplicationContext broker) throws Exception {
        String port = broker.getEnvironment().getProperty("local.server.port");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /actuator/prometheus returned " + response.statusCode());
        }
        return response.body();
    }

    /**
     * Returns a minimal ZTF alert document (the fields the latest-ZTF-alert match reads, and the
     * derived coordinates) at an offset from a position.
     *
     * @param northArcsec offset in declination, in arcseconds
     * @param eastArcsec offset along the sky in right ascension, in arcseconds
     */
    public static Document ztfAlertNear(
            String objectId,
            long candid,
            double raDeg,
            double decDeg,
            double northArcsec,
            double eastArcsec,
            double jd,
            int programId) {
        double dec = decDeg + northArcsec / 3600.0;
        double ra = raDeg + eastArcsec / 3600.0 / Math.cos(Math.toRadians(decDeg));
        Document candidate = new Document("jd", jd)
                .append("fid", 1)
                .append("programid", programId)
                .append("ra", ra)
                .append("dec", dec)
                .append("magpsf", 18.5)
                .append("sigmapsf", 0.1)
                .append("drb", 0.99);
        return new Document("objectId", objectId)
                .append("candid", candid)
                .append("candidate", candidate)
                .append("coordinates", AlertMongifier.coordinates(ra, dec));
    }

    public static long count(MongoDatabase database, String collection) {
        return count(database, collection, new Document());
    }

    public static long count(MongoDatabase database, String collection, Document filter) {
        return Mono.from(database.getCollection(collection).countDocuments(filter))
                .block(STORE_CALL);
    }

    /** Returns the first document matching the filter, or {@code null}. */
    public static Document find(MongoDatabase database, String collection, Document filter) {
        return Mono.from(database.getCollection(collection).find(filter).first())
                .block(STORE_CALL);
    }

    /** Returns the documents of an aggregation. */
    public static List<Document> aggregate(MongoDatabase database, String collection, List<Document> pipeline) {
        List<Document> results = Flux.from(database.getCollection(collection).aggregate(pipeline))
                .collectList()
                .block(STORE_CALL);
        return results == null ? List.of() : new ArrayList<>(results);
    }

    public static void insert(MongoDatabase database, String collection, List<Document> documents) {
        Mono.from(database.getCollection(collection).insertMany(documents)).block(STORE_CALL);
    }

    /** Deletes every document of a collection, keeping its indexes. */
    public static void clear(MongoDatabase database, String collection) {
        Mono.from(database.getCollection(collection).deleteMany(new Document())).block(STORE_CALL);
    }

    /** Waits until the condition holds, failing the test after {@link #TIMEOUT}. */
    public static void waitUntil(String description, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + TIMEOUT.toSeconds() + " s waiting until " + description);
            }
            Thread.sleep(200);
        }
    }

    /**
     * Draws the SkyPortal thumbnails (new, ref, sub) of a stored alert, as the broker posts them, and
     * returns them decoded.
     *
     * @throws IllegalStateException when the alert lacks a cutout or a thumbnail is not a readable PNG
     */
    public static Map<String, BufferedImage> thumbnails(SurveyProfile profile, Document alert) throws IOException {
        Map<String, BufferedImage> pictures = new LinkedHashMap<>();
        for (String type : List.of("new", "ref", "sub")) {
            byte[] cutout = profile.cutoutBytes(alert, type);
            if (cutout == null) {
                throw new IllegalStateException("alert " + alert.get("candid") + " has no " + type + " cutout");
            }
            byte[] png = new Thumbnails().render(profile, cutout, type);
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png));
            if (picture == null) {
                throw new IllegalStateException("the " + type + " thumbnail of alert " + alert.get("candid")
                        + " is not a readable PNG (" + png.length + " bytes)");
            }
            pictures.put(type, picture);
        }
        return pictures;
    }
}
