package org.kowalski.common.broker;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.kowalski.common.kafka.AlertStreamer;

/**
 * Copies messages that cannot be stored to the dead-letter topic {@code <topic>_failed}, unchanged,
 * with headers naming the original topic, partition and offset and the reason. A copy is acknowledged
 * by every in-sync replica before {@link #publish} returns, so the original's offset can be committed.
 */
public class DeadLetterPublisher implements AutoCloseable {

    /** Suffix of the dead-letter topic of a topic. */
    public static final String SUFFIX = "_failed";

    public static final String HEADER_TOPIC = "kowalski_original_topic";
    public static final String HEADER_PARTITION = "kowalski_original_partition";
    public static final String HEADER_OFFSET = "kowalski_original_offset";
    public static final String HEADER_REASON = "kowalski_failure_reason";

    private static final long SEND_TIMEOUT_MS = 30_000;

    private final String bootstrapServers;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Set<String> createdTopics = ConcurrentHashMap.newKeySet();

    public DeadLetterPublisher(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.CLIENT_ID_CONFIG,
                "kowalski-dead-letters",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    /** Returns the dead-letter topic of a topic. */
    public static String deadLetterTopic(String topic) {
        return topic + SUFFIX;
    }

    /**
     * Copies a message to its dead-letter topic, creating the topic when it is missing.
     *
     * @throws DeadLetterException when Kafka does not acknowledge the copy within 30 s
     */
    public void publish(ConsumerRecord<byte[], byte[]> record, String reason) {
        String topic = deadLetterTopic(record.topic());
        try {
            if (!createdTopics.contains(topic)) {
                AlertStreamer.createTopicIfMissing(bootstrapServers, topic, 1);
                createdTopics.add(topic);
            }
            ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(topic, null, record.key(), record.value());
            copy.headers()
                    .add(HEADER_TOPIC, bytes(record.topic()))
                    .add(HEADER_PARTITION, bytes(String.valueOf(record.partition())))
                    .add(HEADER_OFFSET, bytes(String.valueOf(record.offset())))
                    .add(HEADER_REASON, bytes(reason));
            producer.send(copy).get(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadLetterException("Interrupted while copying a message to " + topic, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new DeadLetterException(
                    "Copying message " + record.topic() + "/" + record.partition() + "@" + record.offset() + " to "
                            + topic + " failed: " + e.getMessage() + "; is Kafka reachable at " + bootstrapServers
                            + "?",
                    e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }

    /** Signals that a message could not be copied to its dead-letter topic; its batch is retried. */
    public static class DeadLetterException extends RuntimeException {
        public DeadLetterException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
