package org.kowalski.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.ConfigValidator;
import org.kowalski.common.config.KowalskiConfig;

/**
 * Builds configurations for tests from the project's real {@code config.defaults.yaml}, with the
 * embedded store and Kafka broker on free ports and temporary folders, plus any overrides.
 */
public final class TestConfigs {

    /** System property with the project folder; the build sets it, and tests fall back to a search upwards. */
    public static final String ROOT_PROPERTY = "kowalski.root.dir";

    private static Path tempDir;

    private TestConfigs() {}

    /** Returns the project folder, the one that contains {@code config.defaults.yaml}. */
    public static Path rootDir() {
        String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        return ConfigLoader.locateConfigDir();
    }

    /** Returns the defaults with the embedded servers on free ports in a temporary folder of this JVM. */
    public static KowalskiConfig embedded() {
        return embedded(Map.of());
    }

    /**
     * Returns the defaults with the embedded servers on free ports, with {@code overrides} (a partial
     * {@code kowalski} tree) deep-merged over them.
     */
    public static KowalskiConfig embedded(Map<String, Object> overrides) {
        Map<String, Object> tree = ConfigLoader.readKowalskiTree(rootDir().resolve(ConfigLoader.DEFAULTS_FILE));
        Path dir = tempDir();
        Map<String, Object> local = new LinkedHashMap<>();
        local.put(
                "database",
                new LinkedHashMap<>(Map.of(
                        "port",
                        0,
                        "embedded_data_file",
                        dir.resolve("mongodb/kowalski.mv.db").toString())));
        local.put(
                "kafka",
                new LinkedHashMap<>(Map.of(
                        "embedded_port",
                        0,
                        "embedded_log_dir",
                        dir.resolve("kafka").toString())));
        ConfigLoader.deepMerge(tree, local);
        ConfigLoader.deepMerge(tree, deepMutableCopy(overrides));
        KowalskiConfig config = KowalskiConfig.fromTree(tree, rootDir());
        ConfigValidator.validate(config);
        return config;
    }

    /** Returns a folder that lives as long as this JVM. */
    public static synchronized Path tempDir() {
        if (tempDir == null) {
            try {
                tempDir = Files.createTempDirectory("kowalski-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tempDir;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepMutableCopy(Map<String, Object> source) {
        Map<String, Object> copy = new LinkedHashMap<>();
        source.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map) {
                copy.put(key, deepMutableCopy((Map<String, Object>) map));
            } else if (value instanceof List<?> list) {
                copy.put(key, List.copyOf(list));
            } else {
                copy.put(key, value);
            }
        });
        return copy;
    }
}
