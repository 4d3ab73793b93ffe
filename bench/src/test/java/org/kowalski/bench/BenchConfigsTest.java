package org.kowalski.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.mongo.MongoConnections;

class BenchConfigsTest {

    @Test
    void configuredServersKeepTheirAddress(@TempDir Path folder) throws IOException {
        Files.copy(
                ConfigLoader.locateConfigDir().resolve(ConfigLoader.DEFAULTS_FILE),
                folder.resolve("config.defaults.yaml"));
        Files.writeString(folder.resolve(ConfigLoader.OVERRIDES_FILE), """
                kowalski:
                  server:
                    admin_password: bench-server-password
                  database:
                    embedded: false
                    host: 127.0.0.1
                    port: 27018
                    admin_password: bench-admin-password
                    password: bench-password
                  kafka:
                    embedded: false
                    bootstrap.servers: 127.0.0.1:9093
                """);
        KowalskiConfig user = ConfigLoader.load(folder, List.of(ConfigLoader.OVERRIDES_FILE), name -> null);

        KowalskiConfig bench = BenchConfigs.from(user, folder.resolve("work")).base();

        assertThat(bench.database().isEmbedded()).isFalse();
        assertThat(bench.database().db()).isEqualTo(BenchConfigs.DATABASE);
        assertThat(MongoConnections.describe(bench)).isEqualTo("MongoDB at 127.0.0.1:27018/kowalski_bench");
        assertThat(bench.kafka().isEmbedded()).isFalse();
        assertThat(EmbeddedInfrastructure.bootstrapServers(bench)).isEqualTo("127.0.0.1:9093");
    }

    @Test
    void embeddedServersMoveToWorkFolder(@TempDir Path folder) {
        KowalskiConfig user = ConfigLoader.load(ConfigLoader.locateConfigDir(), List.of(), name -> null);

        BenchConfigs configs = BenchConfigs.from(user, folder);
        KowalskiConfig bench = configs.base();

        assertThat(bench.database().isEmbedded()).isTrue();
        assertThat(bench.database().db()).isEqualTo(BenchConfigs.DATABASE);
        assertThat(bench.raw())
                .extractingByKey("misc")
                .isInstanceOfSatisfying(
                        Map.class, misc -> assertThat(misc.get("broker")).isEqualTo(false));
        assertThat(bench.raw())
                .extractingByKey("database")
                .isInstanceOfSatisfying(
                        Map.class,
                        database -> assertThat(database.get("embedded_data_file"))
                                .isEqualTo(folder.resolve("mongodb/bench.mv.db").toString()));
    }
}
