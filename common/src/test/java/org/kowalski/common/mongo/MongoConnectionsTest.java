package org.kowalski.common.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.testing.TestConfigs;

class MongoConnectionsTest {

    private static KowalskiConfig external(Map<String, Object> database) {
        return TestConfigs.embedded(
                Map.of("server", Map.of("admin_password", "a-real-password"), "database", database));
    }

    @Test
    void connectionStringFollowsOriginal() {
        KowalskiConfig config = external(Map.of(
                "embedded",
                false,
                "host",
                "mongo",
                "port",
                27017,
                "replica_set",
                "rs0",
                "username",
                "ztf",
                "password",
                "p@ss word"));

        assertThat(MongoConnections.connectionString(config))
                .isEqualTo("mongodb://ztf:p%40ss+word@mongo:27017/kowalski?replicaSet=rs0&authSource=kowalski");
    }

    @Test
    void unreachableStoreFailsNamingHost() {
        // Port 1 on loopback refuses connections at once.
        KowalskiConfig config =
                external(Map.of("embedded", false, "host", "127.0.0.1", "port", 1, "connect_timeout_ms", 500));

        assertThatThrownBy(() -> MongoConnections.connect(config))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageContaining("database.host");
    }
}
