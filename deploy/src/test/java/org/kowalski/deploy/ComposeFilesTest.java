package org.kowalski.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the three docker compose set-ups: Debian's docker-compose accepts them, every long-running
 * service has a health check, and every secret comes from the environment.
 */
class ComposeFilesTest {

    private static final String DOCKER_COMPOSE = "docker-compose";

    /** The profile of run-to-completion commands, which have no health check. */
    private static final String TOOLS_PROFILE = "tools";

    @TempDir
    Path tempDir;

    static List<String> composeFiles() {
        return DeploymentFiles.COMPOSE_FILES;
    }

    @ParameterizedTest
    @MethodSource("composeFiles")
    void dockerComposeAcceptsFile(String file) throws Exception {
        Path envFile = tempDir.resolve("complete.env");
        StringBuilder values = new StringBuilder();
        for (String variable : DeploymentFiles.composeVariables(file).keySet()) {
            values.append(variable).append("=test-value-of-").append(variable).append('\n');
        }
        Files.writeString(envFile, values);

        CommandResult result = dockerComposeConfig(file, envFile);

        assertThat(result.exitCode())
                .as("docker-compose config of %s: %s", file, result.stderr())
                .isZero();
        Map<String, Object> normalized = DeploymentFiles.yamlText(result.stdout());
        assertThat(DeploymentFiles.services(normalized))
                .containsKeys("mongo", "kafka", "api", "broker-ztf", "broker-pgir", "broker-wntr", "broker-turbo");
        assertHealthChecks(file + " as docker-compose config prints it", normalized);
    }

    @ParameterizedTest
    @MethodSource("composeFiles")
    void dockerComposeRejectsMissingSecrets(String file) throws Exception {
        Path envFile = Files.writeString(tempDir.resolve("empty.env"), "");

        CommandResult result = dockerComposeConfig(file, envFile);

        assertThat(result.exitCode())
                .as("docker-compose config of %s without .env", file)
                .isNotZero();
        assertThat(result.stderr()).containsPattern("set KOWALSKI_[A-Z_]+ in \\.env");
    }

    @ParameterizedTest
    @MethodSource("composeFiles")
    void everyServiceHasHealthCheck(String file) {
        assertHealthChecks(file, DeploymentFiles.yaml(file));
    }

    @ParameterizedTest
    @MethodSource("composeFiles")
    void secretsComeOnlyFromEnvironment(String file) {
        Map<String, Boolean> variables = DeploymentFiles.composeVariables(file);
        for (Map.Entry<String, Map<String, Object>> service :
                DeploymentFiles.services(DeploymentFiles.yaml(file)).entrySet()) {
            for (Map.Entry<String, String> entry :
                    DeploymentFiles.environment(service.getValue()).entrySet()) {
                if (!entry.getKey().matches(DeploymentFiles.SECRET_NAME.pattern())) {
                    continue;
                }
                assertThat(entry.getValue())
                        .as(
                                "%s: %s of service %s is a required variable without default",
                                file, entry.getKey(), service.getKey())
                        .matches("\\$\\{[A-Z0-9_]+:\\?[^}]*}");
                String variable = entry.getValue().substring(2, entry.getValue().indexOf(':'));
                assertThat(variables.get(variable)).isTrue();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("composeFiles")
    void servicesUseStoreAndKafkaOfTheFile(String file) {
        Map<String, Object> compose = DeploymentFiles.yaml(file);
        Map<String, Map<String, Object>> services = DeploymentFiles.services(compose);

        Map<String, Object> mongo = services.get("mongo");
        assertThat(DeploymentFiles.list(mongo.get("volumes"))).contains("mongodb:/data/db");
        assertThat(DeploymentFiles.map(compose.get("volumes"))).containsKeys("mongodb", "kafka", "models");
        assertThat(DeploymentFiles.environment(mongo))
                .containsEntry(
                        "MONGO_INITDB_ROOT_PASSWORD",
                        "${KOWALSKI_DATABASE_ADMIN_PASSWORD:?set KOWALSKI_DATABASE_ADMIN_PASSWORD in .env}")
                .containsEntry("MONGO_INITDB_DATABASE", "kowalski");

        Map<String, String> kafka = DeploymentFiles.environment(services.get("kafka"));
        assertThat(kafka).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
        assertThat(kafka).containsEntry("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:9092,HOST://localhost:29092");
        assertThat(DeploymentFiles.list(services.get("kafka").get("volumes"))).contains("kafka:/var/lib/kafka/data");

        for (String name : List.of("api", "broker-ztf", "broker-pgir", "broker-wntr", "broker-turbo")) {
            Map<String, Object> service = services.get(name);
            assertThat(DeploymentFiles.map(service.get("depends_on")))
                    .as("%s: %s waits for healthy mongo and kafka", file, name)
                    .containsOnlyKeys("mongo", "kafka");
            assertThat(DeploymentFiles.environment(service))
                    .containsEntry(
                            "KOWALSKI_KAFKA_BOOTSTRAP_SERVERS", "${KOWALSKI_KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}");
        }
        assertThat(DeploymentFiles.list(services.get("broker-ztf").get("volumes")))
                .contains("models:/kowalski/models");
    }

    @ParameterizedTest
    @MethodSource("composeFiles")
    void bindMountSourcesExist(String file) {
        for (Map.Entry<String, Map<String, Object>> service :
                DeploymentFiles.services(DeploymentFiles.yaml(file)).entrySet()) {
            for (Object volume : DeploymentFiles.list(service.getValue().get("volumes"))) {
                String source = String.valueOf(volume).split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(DeploymentFiles.root().resolve(source))
                            .as("%s: bind mount source of service %s", file, service.getKey())
                            .exists();
                }
            }
        }
    }

    @Test
    void fritzJoinsExternalNetworkWithBrokerOn() {
        Map<String, Object> compose = DeploymentFiles.yaml("docker-compose.fritz.defaults.yaml");

        Map<String, Object> network =
                DeploymentFiles.map(DeploymentFiles.map(compose.get("networks")).get("default"));
        assertThat(network).containsEntry("name", "fritz_net").containsEntry("external", true);
        Map<String, String> environment =
                DeploymentFiles.environment(DeploymentFiles.services(compose).get("broker-ztf"));
        assertThat(environment).containsEntry("KOWALSKI_MISC_BROKER", "true");
        assertThat(environment.get("KOWALSKI_SKYPORTAL_HOST")).startsWith("${KOWALSKI_SKYPORTAL_HOST:?");
        assertThat(environment.get("KOWALSKI_SKYPORTAL_TOKEN")).startsWith("${KOWALSKI_SKYPORTAL_TOKEN:?");
    }

    @Test
    void traefikBalancesApiReplicasOverHttps() {
        Map<String, Map<String, Object>> services =
                DeploymentFiles.services(DeploymentFiles.yaml("docker-compose.traefik.defaults.yaml"));

        Map<String, Object> traefik = services.get("traefik");
        assertThat(DeploymentFiles.list(traefik.get("ports"))).contains("80:80", "443:443");
        List<Object> command = DeploymentFiles.list(traefik.get("command"));
        assertThat(command)
                .contains(
                        "--entrypoints.websecure.address=:443",
                        "--entrypoints.web.http.redirections.entrypoint.to=websecure",
                        "--certificatesresolvers.letsencrypt.acme.httpchallenge=true",
                        "--providers.docker.exposedbydefault=false");
        assertThat(command)
                .anyMatch(flag -> String.valueOf(flag)
                        .startsWith("--certificatesresolvers.letsencrypt.acme.email=${KOWALSKI_ACME_EMAIL:?"));

        Map<String, Object> api = services.get("api");
        assertThat(api)
                .as("the API publishes no port: Traefik is its only way in")
                .doesNotContainKey("ports");
        Object replicas = DeploymentFiles.map(api.get("deploy")).get("replicas");
        assertThat(replicas).isInstanceOf(Integer.class);
        assertThat((Integer) replicas).isGreaterThanOrEqualTo(2);
        Map<String, Object> labels = DeploymentFiles.map(api.get("labels"));
        assertThat(labels)
                .containsEntry("traefik.enable", "true")
                .containsEntry("traefik.http.routers.kowalski.entrypoints", "websecure")
                .containsEntry("traefik.http.routers.kowalski.tls.certresolver", "letsencrypt")
                .containsEntry("traefik.http.services.kowalski.loadbalancer.server.port", "4000");
        assertThat(String.valueOf(labels.get("traefik.http.routers.kowalski.rule")))
                .startsWith("Host(`${KOWALSKI_DOMAIN:?");
    }

    @ParameterizedTest
    @MethodSource("composeFiles")
    void envExampleListsEveryVariable(String file) {
        String example = DeploymentFiles.read(".env.example");
        for (String variable : DeploymentFiles.composeVariables(file).keySet()) {
            assertThat(example)
                    .as(".env.example lists %s, which %s uses", variable, file)
                    .containsPattern("(?m)^" + variable + "=");
        }
    }

    @Test
    void envExampleHoldsNoSecretValue() {
        for (String line : DeploymentFiles.read(".env.example").lines().toList()) {
            if (line.startsWith("#") || !line.contains("=")) {
                continue;
            }
            String name = line.substring(0, line.indexOf('='));
            if (name.matches(DeploymentFiles.SECRET_NAME.pattern())) {
                assertThat(line.substring(line.indexOf('=') + 1))
                        .as("%s in .env.example is empty", name)
                        .isEmpty();
            }
        }
    }

    private static void assertHealthChecks(String description, Map<String, Object> compose) {
        Map<String, Map<String, Object>> services = DeploymentFiles.services(compose);
        assertThat(services).isNotEmpty();
        for (Map.Entry<String, Map<String, Object>> entry : services.entrySet()) {
            Map<String, Object> service = entry.getValue();
            if (DeploymentFiles.list(service.get("profiles")).contains(TOOLS_PROFILE)) {
                assertThat(String.valueOf(service.get("restart")))
                        .as("%s: command %s is never restarted", description, entry.getKey())
                        .isEqualTo("no");
                continue;
            }
            Map<String, Object> healthcheck = DeploymentFiles.map(service.get("healthcheck"));
            assertThat(healthcheck.get("disable"))
                    .as("%s: health check of %s is on", description, entry.getKey())
                    .isNotEqualTo(true);
            List<Object> test = DeploymentFiles.list(healthcheck.get("test"));
            assertThat(test)
                    .as("%s: service %s has a health check", description, entry.getKey())
                    .hasSizeGreaterThan(1);
            assertThat(String.valueOf(test.get(0))).isIn("CMD", "CMD-SHELL");
        }
    }

    private CommandResult dockerComposeConfig(String file, Path envFile) throws IOException, InterruptedException {
        assumeTrue(
                onPath(DOCKER_COMPOSE),
                "Skipped: the docker-compose binary is not installed, so 'docker-compose config' cannot check "
                        + file + "; install it with 'apt-get install --no-install-recommends docker-compose'"
                        + " (.ci/run does so)");
        Path stdout = tempDir.resolve("stdout.txt");
        Path stderr = tempDir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(
                        DOCKER_COMPOSE, "--env-file", envFile.toString(), "-f", file, "config")
                .directory(DeploymentFiles.root().toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        // Compose takes the values from the env file alone, whatever the environment of the build contains.
        builder.environment().keySet().removeIf(name -> name.startsWith("KOWALSKI_") || name.startsWith("COMPOSE_"));
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("docker-compose config of " + file + " did not finish within 120 s");
        }
        return new CommandResult(
                process.exitValue(),
                Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        List<Path> candidates = new ArrayList<>();
        for (String dir : path.split(java.io.File.pathSeparator)) {
            candidates.add(Path.of(dir, command));
        }
        return candidates.stream().anyMatch(Files::isExecutable);
    }

    record CommandResult(int exitCode, String stdout, String stderr) {}
}
