package org.kowalski.common.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedServersTest {

    @TempDir
    Path dir;

    @Test
    void storeKeepsDocumentsAcrossRestart() {
        Path file = dir.resolve("store/kowalski.mv.db");
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(file, 0);
                MongoClient client = MongoClients.create(server.connectionString())) {
            client.getDatabase("kowalski")
                    .getCollection("test")
                    .insertOne(new Document("_id", "kept").append("n", 42L));
        }

        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(file, 0);
                MongoClient client = MongoClients.create(server.connectionString())) {
            Document found = client.getDatabase("kowalski")
                    .getCollection("test")
                    .find(new Document("_id", "kept"))
                    .first();
            assertThat(found).isNotNull();
            assertThat(found.getLong("n")).isEqualTo(42L);
        }
    }

    @Test
    void kafkaKeepsUnreadMessagesAcrossRestart() {
        Path logDir = dir.resolve("kafka");
        String topic = "restart_test";
        String group = "group-" + UUID.randomUUID();

        try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(logDir, 0)) {
            try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
                producer.send(new ProducerRecord<>(topic, "first"));
                producer.flush();
            }
            assertThat(consume(kafka.bootstrapServers(), topic, group, 1)).containsExactly("first");
            try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
                producer.send(new ProducerRecord<>(topic, "second"));
                producer.flush();
            }
        }

        // After the restart the group resumes at its committed offset: only the unread message comes back.
        try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(logDir, 0)) {
            assertThat(consume(kafka.bootstrapServers(), topic, group, 1)).containsExactly("second");
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    private static List<String> consume(String bootstrapServers, String topic, String group, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            consumer.commitSync();
        }
        return values;
    }
}
