package org.kowalski.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kowalski.common.kafka.AlertStreamer;
import org.kowalski.common.testing.SharedData;

/**
 * The tests that {@code make docker_test} runs against the containers that {@code make docker_up} started
 * from docker-compose.defaults.yaml or docker-compose.fritz.defaults.yaml: every service is healthy, the
 * admin logs in, and ZTF alerts published to the compose Kafka reach the archive through the ZTF broker.
 *
 * <p>Skipped unless {@code -Dkowalski.docker.test=true}. The admin credentials come from the environment
 * or from .env at the project root. The API is reached at {@code -Dkowalski.docker.api.url}, else at the
 * environment variable {@code KOWALSKI_API_URL}, else at http://localhost:4000, and Kafka at
 * {@code -Dkowalski.docker.kafka}, else at localhost:29092.
 */
class RunningDeploymentTest {

    static final String ENABLE_PROPERTY = "kowalski.docker.test";

    private static final String API_URL = System.getProperty(
            "kowalski.docker.api.url", System.getenv().getOrDefault("KOWALSKI_API_URL", "http://localhost:4000"));
    private static final String KAFKA = System.getProperty("kowalski.docker.kafka", "localhost:29092");

    /** How long the alerts may take from Kafka to the archive; the first start downloads the ML models. */
    private static final Duration ARCHIVE_WAIT =
            Duration.ofSeconds(Long.getLong("kowalski.docker.test.wait.seconds", 300));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void requireDeployment() {
        assumeTrue(
                Boolean.getBoolean(ENABLE_PROPERTY),
                "Skipped: these tests need a running deployment; start it with 'make docker_up' and run"
                        + " 'make docker_test'");
    }

    @Test
    void apiReportsHealthy() throws Exception {
        JsonNode health = getJson(API_URL + "/actuator/health", null);

        assertThat(health.path("status").asText()).as("API health: %s", health).isEqualTo("UP");
        assertComponentsUp("API", health);
    }

    @ParameterizedTest
    @ValueSource(ints = {4101, 4102, 4103, 4104})
    void brokerReportsHealthy(int managementPort) throws Exception {
        JsonNode health = getJson("http://localhost:" + managementPort + "/actuator/health", null);

        assertThat(health.path("status").asText())
                .as("broker health on port %d: %s", managementPort, health)
                .isEqualTo("UP");
        assertComponentsUp("broker on port " + managementPort, health);
    }

    @Test
    void adminTokenOpensApi() throws Exception {
        String token = adminToken();

        JsonNode ping = getJson(API_URL + "/", token);

        assertThat(ping.path("status").asText()).isEqualTo("success");
        assertThat(ping.path("message").asText()).isEqualTo("greetings from Kowalski!");
    }

    @Test
    void ztfAlertsReachArchive() throws Exception {
        Path alerts = SharedData.require("data/ztf_alerts/20200202");
        List<Long> candids = readCandids(alerts);
        String topic = "ztf_" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE) + "_programid1";
        String token = adminToken();

        int published = AlertStreamer.stream(KAFKA, topic, alerts, 1);
        assertThat(published).isEqualTo(candids.size());

        Map<String, Object> query = new LinkedHashMap<>();
        query.put("query_type", "count_documents");
        query.put("query", Map.of("catalog", "ZTF_alerts", "filter", Map.of("candid", Map.of("$in", candids))));
        Instant deadline = Instant.now().plus(ARCHIVE_WAIT);
        long stored = -1;
        while (Instant.now().isBefore(deadline)) {
            JsonNode answer = postJson(API_URL + "/api/queries", query, token);
            stored = answer.path("data").asLong(-1);
            if (stored == candids.size()) {
                break;
            }
            Thread.sleep(2_000);
        }
        assertThat(stored)
                .as(
                        "alerts of %s in ZTF_alerts after publishing them to %s (waited up to %s)",
                        alerts, topic, ARCHIVE_WAIT)
                .isEqualTo(candids.size());
    }

    private static void assertComponentsUp(String service, JsonNode health) {
        JsonNode components = health.path("components");
        assertThat(components.isObject())
                .as("%s health lists its components: %s", service, health)
                .isTrue();
        components
                .fields()
                .forEachRemaining(component -> assertThat(
                                component.getValue().path("status").asText())
                        .as("%s health component %s", service, component.getKey())
                        .isEqualTo("UP"));
    }

    private static String adminToken() throws Exception {
        Map<String, String> dotEnv = readDotEnv();
        String username = setting("KOWALSKI_ADMIN_USERNAME", dotEnv, "admin");
        String password = setting("KOWALSKI_ADMIN_PASSWORD", dotEnv, null);
        assertThat(password)
                .as("KOWALSKI_ADMIN_PASSWORD is set in the environment or in .env, as for make docker_up")
                .isNotBlank();

        JsonNode answer = postJson(API_URL + "/api/auth", Map.of("username", username, "password", password), null);

        assertThat(answer.path("status").asText())
                .as("login as %s: %s", username, answer)
                .isEqualTo("success");
        return answer.path("token").asText();
    }

    private static JsonNode getJson(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.GET().build());
    }

    private static JsonNode postJson(String url, Object body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build());
    }

    private static JsonNode send(HttpRequest request) throws Exception {
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new AssertionError(
                    "Connection to " + request.uri() + " failed: start the deployment with 'make docker_up' and"
                            + " wait until 'docker-compose ps' shows every service healthy",
                    e);
        }
        return JSON.readTree(response.body());
    }

    private static List<Long> readCandids(Path alertsDir) throws IOException {
        List<Long> candids = new ArrayList<>();
        for (Path file : AlertStreamer.listAlertFiles(alertsDir)) {
            try (InputStream in = Files.newInputStream(file);
                    DataFileStream<GenericRecord> records = new DataFileStream<>(in, new GenericDatumReader<>())) {
                for (GenericRecord record : records) {
                    candids.add((Long) record.get("candid"));
                }
            }
        }
        return candids;
    }

    private static String setting(String name, Map<String, String> dotEnv, String fallback) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            value = dotEnv.get(name);
        }
        return value == null || value.isEmpty() ? fallback : value;
    }

    /** Reads the KEY=VALUE lines of .env at the project root, which docker compose read at make docker_up. */
    private static Map<String, String> readDotEnv() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        Path file = DeploymentFiles.root().resolve(".env");
        if (!Files.isRegularFile(file)) {
            return values;
        }
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            int equals = trimmed.indexOf('=');
            if (trimmed.startsWith("#") || equals < 1) {
                continue;
            }
            String value = trimmed.substring(equals + 1).strip();
            if (value.length() >= 2
                    && (value.startsWith("\"") && value.endsWith("\"")
                            || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(trimmed.substring(0, equals).strip(), value);
        }
        return values;
    }
}
