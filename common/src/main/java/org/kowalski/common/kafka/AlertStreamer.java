package org.kowalski.common.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a folder of alert files to a Kafka topic, one file per message in file-name order, creating
 * the topic when it is missing: the local way to feed a broker, like the original's kafka_stream.py.
 */
public final class AlertStreamer {

    private static final Logger log = LoggerFactory.getLogger(AlertStreamer.class);

    private AlertStreamer() {}

    /**
     * Publishes every {@code .avro} file of {@code alertsDir} to {@code topic} and returns how many were sent.
     *
     * @param bootstrapServers the Kafka brokers as host:port
     * @param partitions number of partitions of the topic when it has to be created
     */
    public static int stream(String bootstrapServers, String topic, Path alertsDir, int partitions)
            throws IOException, InterruptedException {
        List<Path> files = listAlertFiles(alertsDir);
        createTopicIfMissing(bootstrapServers, topic, partitions);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class))) {
            for (Path file : files) {
                producer.send(new ProducerRecord<>(topic, Files.readAllBytes(file)));
            }
            producer.flush();
        }
        log.info("Published {} alerts from {} to topic {} at {}", files.size(), alertsDir, topic, bootstrapServers);
        return files.size();
    }

    /** Returns the {@code .avro} files of a folder in name order. */
    public static List<Path> listAlertFiles(Path alertsDir) throws IOException {
        if (!Files.isDirectory(alertsDir)) {
            throw new IllegalArgumentException(
                    "Alert folder " + alertsDir.toAbsolutePath() + " not found: give a folder of .avro files");
        }
        try (Stream<Path> entries = Files.list(alertsDir)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".avro"))
                    .sorted()
                    .toList();
        }
    }

    /** Creates a topic with replication factor 1 unless it exists. */
    public static void createTopicIfMissing(String bootstrapServers, String topic, int partitions)
            throws InterruptedException {
        try (AdminClient admin =
                AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            log.info("Created topic {} with {} partitions", topic, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "Creating topic " + topic + " at " + bootstrapServers + " failed: " + e.getCause(), e);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(
                    "Creating topic " + topic + " timed out: is Kafka running at " + bootstrapServers
                            + "? Start it with make run, or set kafka.bootstrap.servers",
                    e);
        }
    }
}
