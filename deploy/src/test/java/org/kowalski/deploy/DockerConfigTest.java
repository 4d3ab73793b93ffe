package org.kowalski.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.InvalidConfigurationException;
import org.kowalski.common.config.KowalskiConfig;

/**
 * Loads the configuration the way a container does, from config.defaults.yaml and docker.yaml with
 * the environment of a compose file, and checks that no secret of the defaults survives.
 */
class DockerConfigTest {

    private static final String DOCKER_YAML = "docker.yaml";

    /** What a user writes in .env: values long enough for the start-up checks. */
    private static final Map<String, String> DOT_ENV = Map.of(
            "KOWALSKI_ADMIN_PASSWORD", "an-admin-password-from-dot-env",
            "KOWALSKI_JWT_SECRET_KEY", "a-jwt-signing-secret-from-dot-env-0123456789",
            "KOWALSKI_DATABASE_PASSWORD", "a-database-password-from-dot-env",
            "KOWALSKI_DATABASE_ADMIN_PASSWORD", "a-root-password-from-dot-env",
            "KOWALSKI_SKYPORTAL_HOST", "skyportal",
            "KOWALSKI_SKYPORTAL_TOKEN", "a-skyportal-token-from-dot-env");

    @Test
    void dockerYamlClearsEverySecret() {
        Map<String, Object> tree =
                ConfigLoader.readKowalskiTree(DeploymentFiles.root().resolve(ConfigLoader.DEFAULTS_FILE));
        ConfigLoader.deepMerge(
                tree, ConfigLoader.readKowalskiTree(DeploymentFiles.root().resolve(DOCKER_YAML)));

        List<String> secretKeys = List.of(
                "server.admin_password",
                "server.JWT_SECRET_KEY",
                "database.password",
                "database.admin_password",
                "skyportal.token");
        for (String key : secretKeys) {
            String[] path = key.split("\\.");
            Map<String, Object> section = DeploymentFiles.map(tree.get(path[0]));
            assertThat(section)
                    .as("%s is present in the merged configuration", key)
                    .containsKey(path[1]);
            assertThat(section.get(path[1])).as("%s after docker.yaml", key).isNull();
        }
        assertSecretKeysNull(
                "docker.yaml",
                ConfigLoader.readKowalskiTree(DeploymentFiles.root().resolve(DOCKER_YAML)));
    }

    @Test
    void containerWithoutSecretsRejected() {
        assertThatThrownBy(() -> ConfigLoader.load(DeploymentFiles.root(), List.of(DOCKER_YAML), name -> null))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("server.JWT_SECRET_KEY is 0 bytes long")
                .hasMessageContaining("server.admin_password is empty")
                .hasMessageContaining("database.password is empty for database.username 'kowalski'");
    }

    @Test
    void defaultsEnvironmentGivesValidConfig() {
        KowalskiConfig config = loadWithComposeEnvironment("docker-compose.defaults.yaml", "broker-ztf");

        assertThat(config.database().isEmbedded()).isFalse();
        assertThat(config.database().host()).isEqualTo("mongo");
        assertThat(config.database().port()).isEqualTo(27017);
        assertThat(config.database().username()).isEqualTo("kowalski");
        assertThat(config.database().password()).isEqualTo(DOT_ENV.get("KOWALSKI_DATABASE_PASSWORD"));
        assertThat(config.kafka().isEmbedded()).isFalse();
        assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(config.server().adminUsername()).isEqualTo("admin");
        assertThat(config.server().adminPassword()).isEqualTo(DOT_ENV.get("KOWALSKI_ADMIN_PASSWORD"));
        assertThat(config.server().jwtSecretKey()).isEqualTo(DOT_ENV.get("KOWALSKI_JWT_SECRET_KEY"));
        assertThat(config.misc().isBroker()).isFalse();
    }

    @Test
    void fritzEnvironmentTurnsBrokerOn() {
        KowalskiConfig config = loadWithComposeEnvironment("docker-compose.fritz.defaults.yaml", "broker-ztf");

        assertThat(config.misc().isBroker()).isTrue();
        assertThat(config.skyportal().baseUrl()).isEqualTo("http://skyportal:5000");
        assertThat(config.skyportal().token()).isEqualTo(DOT_ENV.get("KOWALSKI_SKYPORTAL_TOKEN"));
    }

    @Test
    void traefikEnvironmentGivesValidApiConfig() {
        KowalskiConfig config = loadWithComposeEnvironment("docker-compose.traefik.defaults.yaml", "api");

        assertThat(config.server().port()).isEqualTo(4000);
        assertThat(config.database().host()).isEqualTo("mongo");
    }

    /** Loads the configuration with the environment that a compose file gives one of its services. */
    private static KowalskiConfig loadWithComposeEnvironment(String composeFile, String serviceName) {
        Map<String, Object> service =
                DeploymentFiles.services(DeploymentFiles.yaml(composeFile)).get(serviceName);
        Map<String, String> environment = new LinkedHashMap<>();
        DeploymentFiles.environment(service)
                .forEach((name, value) -> environment.put(name, DeploymentFiles.interpolate(value, DOT_ENV)));
        return ConfigLoader.load(DeploymentFiles.root(), List.of(DOCKER_YAML), environment::get);
    }

    private static void assertSecretKeysNull(String where, Map<String, Object> tree) {
        tree.forEach((key, value) -> {
            if (value instanceof Map<?, ?>) {
                assertSecretKeysNull(where + " " + key, DeploymentFiles.map(value));
            } else if (key.matches(DeploymentFiles.SECRET_NAME.pattern())) {
                assertThat(value).as("%s sets %s to no value", where, key).isNull();
            }
        });
    }
}
