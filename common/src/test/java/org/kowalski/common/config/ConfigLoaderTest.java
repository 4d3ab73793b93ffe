package org.kowalski.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kowalski.common.testing.TestConfigs;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path writeDefaultsAnd(String overrides) throws IOException {
        Files.copy(TestConfigs.rootDir().resolve(ConfigLoader.DEFAULTS_FILE), dir.resolve(ConfigLoader.DEFAULTS_FILE));
        if (overrides != null) {
            Files.writeString(dir.resolve(ConfigLoader.OVERRIDES_FILE), overrides);
        }
        return dir;
    }

    private KowalskiConfig load(String overrides, Map<String, String> environment) throws IOException {
        return ConfigLoader.load(writeDefaultsAnd(overrides), List.of(ConfigLoader.OVERRIDES_FILE), environment::get);
    }

    @Test
    void defaultsLoadWithOriginalKeys() throws IOException {
        KowalskiConfig config = load(null, Map.of());

        assertThat(config.server().port()).isEqualTo(4000);
        assertThat(config.collection("alerts_ztf")).isEqualTo("ZTF_alerts");
        assertThat(config.kafka().autoOffsetReset()).isEqualTo("earliest");
        assertThat(config.get("kafka.default.topic.config.auto.offset.reset")).isEqualTo("earliest");
        assertThat(config.database().indexes().get("ZTF_alerts")).hasSize(14);
        assertThat(config.database().filters().get("ZTF_alerts")).hasSize(4);
        assertThat(config.database().xmatch().get("ZTF").keySet()).startsWith("2MASS_PSC", "AllWISE");
        assertThat(config.ml().get("ZTF").models())
                .containsOnlyKeys("braai", "acai_h", "acai_v", "acai_o", "acai_n", "acai_b");
        assertThat(config.ml().get("ZTF").allowedFeatureNames()).hasSize(32);
    }

    @Test
    void overridesMergeMappingsAndReplaceLists() throws IOException {
        KowalskiConfig config = load("""
                kowalski:
                  server:
                    port: 4444
                  misc:
                    supported_penquins_versions: ["9.9.9"]
                """, Map.of());

        assertThat(config.server().port()).isEqualTo(4444);
        assertThat(config.server().adminUsername()).isEqualTo("admin");
        assertThat(config.misc().supportedPenquinsVersions()).containsExactly("9.9.9");
        assertThat(config.misc().maxTimeMs()).isEqualTo(300_000L);
    }

    @Test
    void environmentOverridesSecrets() throws IOException {
        KowalskiConfig config = load(
                null,
                Map.of(
                        "KOWALSKI_JWT_SECRET_KEY", "an-environment-secret-that-is-long-enough",
                        "KOWALSKI_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092"));

        assertThat(config.server().jwtSecretKey()).isEqualTo("an-environment-secret-that-is-long-enough");
        assertThat(config.kafka().bootstrapServers()).isEqualTo("127.0.0.1:19092");
    }

    @Test
    void environmentOverridesSkyPortalConnection() throws IOException {
        KowalskiConfig config = load(
                null,
                Map.of(
                        "KOWALSKI_SKYPORTAL_PROTOCOL", "https",
                        "KOWALSKI_SKYPORTAL_HOST", "fritz.local",
                        "KOWALSKI_SKYPORTAL_PORT", "443",
                        "KOWALSKI_MISC_BROKER", "true"));

        assertThat(config.skyportal().baseUrl()).isEqualTo("https://fritz.local:443");
        assertThat(config.skyportal().port()).isEqualTo(443);
        assertThat(config.misc().isBroker()).isTrue();
    }

    @Test
    void missingDatabasePasswordRejectedNamingKey() {
        assertThatThrownBy(() -> load("""
                        kowalski:
                          server:
                            admin_password: a-real-admin-password
                          database:
                            embedded: false
                            host: 127.0.0.1
                            username: kowalski
                            password: null
                        """, Map.of()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("database.password is empty for database.username 'kowalski'")
                .hasMessageContaining("KOWALSKI_DATABASE_PASSWORD");
    }

    @Test
    void shortJwtSecretRejectedNamingKey() {
        assertThatThrownBy(() -> load("""
                        kowalski:
                          server:
                            JWT_SECRET_KEY: abc0123
                        """, Map.of()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("server.JWT_SECRET_KEY is 7 bytes long")
                .hasMessageContaining("at least 32 bytes");
    }

    @Test
    void defaultAdminPasswordRejectedOutsideEmbeddedStore() {
        assertThatThrownBy(() -> load("""
                        kowalski:
                          database:
                            embedded: false
                            host: 127.0.0.1
                        """, Map.of()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("server.admin_password is the default 'admin'");
    }

    @Test
    void unknownMlEngineRejected() {
        assertThatThrownBy(() -> load("""
                        kowalski:
                          ml:
                            ZTF:
                              engine: tensorflow
                        """, Map.of()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("ml.ZTF.engine is 'tensorflow'")
                .hasMessageContaining("[dl4j, onnxruntime]");
    }

    @Test
    void defaultMlEngineIsOnnxRuntime() throws IOException {
        KowalskiConfig config = load(null, Map.of());

        assertThat(config.ml().get("ZTF").engineOrDefault()).isEqualTo("onnxruntime");
    }

    @Test
    void badCrossMatchUnitRejected() {
        assertThatThrownBy(() -> load("""
                        kowalski:
                          database:
                            xmatch:
                              ZTF:
                                AllWISE:
                                  cone_search_unit: parsec
                        """, Map.of()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("database.xmatch.ZTF.AllWISE.cone_search_unit is 'parsec'");
    }

    @Test
    void badDistanceCatalogRejected() {
        assertThatThrownBy(() -> load("""
                        kowalski:
                          database:
                            xmatch:
                              ZTF:
                                NED_BetaV3:
                                  distance_method: parsec
                                  cm_at_distance: 0
                        """, Map.of()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("database.xmatch.ZTF.NED_BetaV3.distance_method is 'parsec'")
                .hasMessageContaining("database.xmatch.ZTF.NED_BetaV3.cm_at_distance is 0.0");
    }

    @Test
    void missingDefaultsFileNamed() {
        assertThatThrownBy(() -> ConfigLoader.load(dir, List.of(), name -> null))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining(dir.resolve(ConfigLoader.DEFAULTS_FILE).toString());
    }

    @Test
    void tupleLiteralFeatureNamesParsed() {
        assertThat(KowalskiConfig.parseNameList("('drb', 'magpsf', \"sgscore1\")", "key"))
                .containsExactly("drb", "magpsf", "sgscore1");
        assertThat(KowalskiConfig.parseNameList(List.of("drb"), "key")).containsExactly("drb");
        assertThat(KowalskiConfig.parseNameList(false, "key")).isEmpty();
    }
}
