package org.kowalski.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.testing.TestConfigs;

/** Starts the local stack, writes to the store and Kafka, restarts it, and reads both back. */
class LocalKowalskiRestartTest {

    private static final String TOPIC = "restart_unread";

    @Test
    void storeAndKafkaSurviveRestart() throws Exception {
        // Only the API runs here: the point is the embedded servers, which every service shares.
        KowalskiConfig config = TestConfigs.embedded(Map.of(
                "server", Map.of("port", 0),
                "enabled", Map.of("ztf", false, "pgir", false, "wntr", false, "turbo", false)));

        try (LocalKowalski running = LocalKowalski.start(config)) {
            int apiPort = apiPort(running);
            assertThat(status(get(apiPort, "/actuator/health"))).isEqualTo("UP");
            HttpResponse<String> ping = get(apiPort, "/");
            assertThat(ping.statusCode()).isEqualTo(401);
            assertThat(status(ping)).isEqualTo("error");

            try (MongoClient client = MongoClients.create(EmbeddedInfrastructure.embeddedMongoConnectionString())) {
                client.getDatabase("kowalski")
                        .getCollection("restart_test")
                        .insertOne(new Document("_id", "before-restart").append("candid", 1127561445515015011L));
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.bootstrapServers(config),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                producer.send(new ProducerRecord<>(TOPIC, "not read before the restart"))
                        .get();
            }
        }

        try (LocalKowalski running = LocalKowalski.start(config)) {
            assertThat(status(get(apiPort(running), "/actuator/health"))).isEqualTo("UP");

            try (MongoClient client = MongoClients.create(EmbeddedInfrastructure.embeddedMongoConnectionString())) {
                Document restored = client.getDatabase("kowalski")
                        .getCollection("restart_test")
                        .find(new Document("_id", "before-restart"))
                        .first();
                assertThat(restored).isNotNull();
                assertThat(restored.getLong("candid")).isEqualTo(1127561445515015011L);
            }
            assertThat(readAll(EmbeddedInfrastructure.bootstrapServers(config)))
                    .containsExactly("not read before the restart");
        }
    }

    private static int apiPort(LocalKowalski running) {
        return Integer.parseInt(running.contexts().get(0).getEnvironment().getProperty("local.server.port"));
    }

    private static String status(HttpResponse<String> response) throws Exception {
        return new ObjectMapper().readTree(response.body()).path("status").asText();
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> readAll(String bootstrapServers) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "restart-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
        }
        return values;
    }
}
