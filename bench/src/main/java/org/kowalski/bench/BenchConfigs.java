package org.kowalski.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.ConfigValidator;
import org.kowalski.common.config.KowalskiConfig;

/**
 * Builds the configurations of the benchmark runs from the user's configuration ({@code
 * config.defaults.yaml} merged with {@code config.yaml}), so that a configured MongoDB and Kafka are
 * measured when {@code database.embedded} or {@code kafka.embedded} is false.
 *
 * <p>Every run writes to the database {@value #DATABASE} and to topics prefixed {@code bench}, never to
 * the deployment's own database or topics. The embedded servers get free ports and a temporary folder.
 */
public final class BenchConfigs {

    /** The database that every benchmark writes to; it is dropped at the start of {@code make bench}. */
    public static final String DATABASE = "kowalski_bench";

    private final Map<String, Object> base;
    private final Path baseDir;

    private BenchConfigs(Map<String, Object> base, Path baseDir) {
        this.base = base;
        this.baseDir = baseDir;
    }

    /** Reads the user's configuration and points the embedded servers at {@code workDir}. */
    public static BenchConfigs load(Path workDir) {
        return from(ConfigLoader.load(), workDir);
    }

    /**
     * Returns the benchmark configurations of a user's configuration: the database becomes {@value
     * #DATABASE}, the embedded servers get free ports and files under {@code workDir}, and a configured
     * MongoDB or Kafka keeps its address.
     */
    public static BenchConfigs from(KowalskiConfig user, Path workDir) {
        Map<String, Object> tree = mutableCopy(user.raw());
        Map<String, Object> database = section(tree, "database");
        database.put("db", DATABASE);
        if (user.database().isEmbedded()) {
            database.put("port", 0);
            database.put(
                    "embedded_data_file", workDir.resolve("mongodb/bench.mv.db").toString());
        }
        Map<String, Object> kafka = section(tree, "kafka");
        if (user.kafka().isEmbedded()) {
            kafka.put("embedded_port", 0);
            kafka.put("embedded_log_dir", workDir.resolve("kafka").toString());
        }
        // Posting to SkyPortal is off: its cost belongs to SkyPortal, and no traffic may leave this machine.
        section(tree, "misc").put("broker", false);
        return new BenchConfigs(tree, user.baseDir());
    }

    /** Returns the base configuration with {@code edits} applied to a copy of its tree. */
    public KowalskiConfig build(Consumer<Map<String, Object>> edits) {
        Map<String, Object> tree = mutableCopy(base);
        edits.accept(tree);
        KowalskiConfig config = KowalskiConfig.fromTree(tree, baseDir);
        ConfigValidator.validate(config);
        return config;
    }

    /** Returns the base configuration unchanged. */
    public KowalskiConfig base() {
        return build(tree -> {});
    }

    /** Returns the mapping under {@code key}, created when missing. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> section(Map<String, Object> tree, String key) {
        return (Map<String, Object>) tree.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
    }

    /** Returns the mapping at a dotted path such as {@code brokers.ZTF}, created when missing. */
    public static Map<String, Object> path(Map<String, Object> tree, String dottedPath) {
        Map<String, Object> node = tree;
        for (String key : dottedPath.split("\\.")) {
            node = section(node, key);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mutableCopy(Map<String, Object> source) {
        Map<String, Object> copy = new LinkedHashMap<>();
        source.forEach((key, value) -> copy.put(key, mutableValue(value)));
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Object mutableValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return mutableCopy((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(mutableValue(item)));
            return copy;
        }
        return value;
    }
}
