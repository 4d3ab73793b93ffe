package org.kowalski.common.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Loads the Kowalski configuration: {@code config.defaults.yaml}, then each override file that exists
 * ({@code config.yaml} by default), deep-merged, then secrets from environment variables.
 *
 * <p>The merge follows the Python original: mappings merge key by key, lists and scalars replace the
 * earlier value. Every service reads the {@code kowalski} sub-tree.
 */
public final class ConfigLoader {

    public static final String DEFAULTS_FILE = "config.defaults.yaml";
    public static final String OVERRIDES_FILE = "config.yaml";

    /** System property, or environment variable {@code KOWALSKI_CONFIG_DIR}, with the folder of the files. */
    public static final String CONFIG_DIR_PROPERTY = "kowalski.config.dir";

    /** System property, or environment variable {@code KOWALSKI_CONFIG_FILES}: comma-separated override files. */
    public static final String CONFIG_FILES_PROPERTY = "kowalski.config.files";

    /**
     * Environment variables that override a configuration key: the secrets, so they stay out of files,
     * and the connection settings that a container deployment sets.
     */
    public static final Map<String, String> ENVIRONMENT_OVERRIDES = environmentOverrides();

    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private ConfigLoader() {}

    private static Map<String, String> environmentOverrides() {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("KOWALSKI_ADMIN_USERNAME", "server.admin_username");
        overrides.put("KOWALSKI_ADMIN_PASSWORD", "server.admin_password");
        overrides.put("KOWALSKI_JWT_SECRET_KEY", "server.JWT_SECRET_KEY");
        overrides.put("KOWALSKI_DATABASE_URI", "database.uri");
        overrides.put("KOWALSKI_DATABASE_HOST", "database.host");
        overrides.put("KOWALSKI_DATABASE_PORT", "database.port");
        overrides.put("KOWALSKI_DATABASE_USERNAME", "database.username");
        overrides.put("KOWALSKI_DATABASE_PASSWORD", "database.password");
        overrides.put("KOWALSKI_DATABASE_ADMIN_USERNAME", "database.admin_username");
        overrides.put("KOWALSKI_DATABASE_ADMIN_PASSWORD", "database.admin_password");
        overrides.put("KOWALSKI_KAFKA_BOOTSTRAP_SERVERS", "kafka.bootstrap.servers");
        overrides.put("KOWALSKI_SKYPORTAL_TOKEN", "skyportal.token");
        overrides.put("KOWALSKI_SKYPORTAL_PROTOCOL", "skyportal.protocol");
        overrides.put("KOWALSKI_SKYPORTAL_HOST", "skyportal.host");
        overrides.put("KOWALSKI_SKYPORTAL_PORT", "skyportal.port");
        overrides.put("KOWALSKI_MISC_BROKER", "misc.broker");
        return Map.copyOf(overrides);
    }

    /**
     * Loads the configuration from the folder named by {@value #CONFIG_DIR_PROPERTY}, or else from the
     * first folder at or above the working directory that contains {@value #DEFAULTS_FILE}.
     */
    public static KowalskiConfig load() {
        return load(locateConfigDir(), overrideFileNames(), System::getenv);
    }

    /**
     * Loads {@value #DEFAULTS_FILE} from {@code configDir}, merges the named override files that exist
     * there, applies the environment overrides, and validates the result.
     *
     * @param configDir folder that contains {@value #DEFAULTS_FILE}
     * @param overrideFiles file names, relative to {@code configDir} unless absolute, merged in order
     * @param environment the environment variable lookup, {@code System::getenv} outside tests
     */
    public static KowalskiConfig load(
            Path configDir, List<String> overrideFiles, Function<String, String> environment) {
        Path defaults = configDir.resolve(DEFAULTS_FILE);
        if (!Files.isRegularFile(defaults)) {
            throw new InvalidConfigurationException("Configuration file " + defaults.toAbsolutePath()
                    + " not found: run from the Kowalski folder or set -D" + CONFIG_DIR_PROPERTY + "=<folder>");
        }
        Map<String, Object> merged = readKowalskiTree(defaults);
        List<Path> used = new ArrayList<>(List.of(defaults));
        for (String name : overrideFiles) {
            Path file = configDir.resolve(name);
            if (Files.isRegularFile(file)) {
                deepMerge(merged, readKowalskiTree(file));
                used.add(file);
            } else if (name.equals(OVERRIDES_FILE)) {
                log.info("No {} in {}: using the default configuration", OVERRIDES_FILE, configDir.toAbsolutePath());
            } else {
                throw new InvalidConfigurationException("Configuration file " + file.toAbsolutePath() + " named in "
                        + CONFIG_FILES_PROPERTY + " not found: create it or remove it from the list");
            }
        }
        applyEnvironment(merged, environment);
        log.info("Configuration files used: {}", used);
        KowalskiConfig config = KowalskiConfig.fromTree(merged, configDir.toAbsolutePath());
        ConfigValidator.validate(config);
        return config;
    }

    /** Parses one YAML document and returns its {@code kowalski} mapping (empty when the file is empty). */
    public static Map<String, Object> readKowalskiTree(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
            Object document = yaml.load(in);
            if (document == null) {
                return new LinkedHashMap<>();
            }
            if (!(document instanceof Map<?, ?> top)) {
                throw new InvalidConfigurationException(
                        "Configuration file " + file + " must be a mapping with the top-level key 'kowalski'");
            }
            Object tree = top.get("kowalski");
            if (tree == null) {
                return new LinkedHashMap<>();
            }
            if (!(tree instanceof Map<?, ?>)) {
                throw new InvalidConfigurationException("Key 'kowalski' in " + file + " must be a mapping, not "
                        + tree.getClass().getSimpleName());
            }
            return deepCopy(asStringMap(tree));
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    "Cannot read configuration file " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof InvalidConfigurationException) {
                throw e;
            }
            throw new InvalidConfigurationException(
                    "Invalid YAML in configuration file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Merges {@code overrides} into {@code base}: mappings merge recursively, any other value replaces the
     * base value. A {@code null} mapping in the base counts as empty.
     */
    public static void deepMerge(Map<String, Object> base, Map<String, Object> overrides) {
        for (Map.Entry<String, Object> entry : overrides.entrySet()) {
            Object current = base.get(entry.getKey());
            Object update = entry.getValue();
            if (update instanceof Map<?, ?> updateMap && (current == null || current instanceof Map<?, ?>)) {
                Map<String, Object> target = current == null ? new LinkedHashMap<>() : asStringMap(current);
                deepMerge(target, asStringMap(updateMap));
                base.put(entry.getKey(), target);
            } else {
                base.put(entry.getKey(), update);
            }
        }
    }

    static void applyEnvironment(Map<String, Object> tree, Function<String, String> environment) {
        for (Map.Entry<String, String> override : ENVIRONMENT_OVERRIDES.entrySet()) {
            String value = environment.apply(override.getKey());
            if (value != null && !value.isEmpty()) {
                setByPath(tree, override.getValue(), value);
            }
        }
    }

    /**
     * Sets a value by dotted path. Keys of the {@code kafka} section contain dots themselves, so the
     * longest existing key wins at each level.
     */
    static void setByPath(Map<String, Object> tree, String path, Object value) {
        int dot = path.indexOf('.');
        if (dot < 0 || tree.containsKey(path)) {
            tree.put(path, value);
            return;
        }
        String head = path.substring(0, dot);
        Object child = tree.get(head);
        if (!(child instanceof Map<?, ?>)) {
            child = new LinkedHashMap<String, Object>();
            tree.put(head, child);
        }
        setByPath(asStringMap(child), path.substring(dot + 1), value);
    }

    private static List<String> overrideFileNames() {
        String configured = System.getProperty(CONFIG_FILES_PROPERTY, System.getenv("KOWALSKI_CONFIG_FILES"));
        if (configured == null || configured.isBlank()) {
            return List.of(OVERRIDES_FILE);
        }
        List<String> names = new ArrayList<>();
        for (String name : configured.split(",")) {
            if (!name.isBlank()) {
                names.add(name.trim());
            }
        }
        return names;
    }

    /** Returns the configured folder, or the first folder at or above the working directory with the defaults. */
    public static Path locateConfigDir() {
        String configured = System.getProperty(CONFIG_DIR_PROPERTY, System.getenv("KOWALSKI_CONFIG_DIR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve(DEFAULTS_FILE))) {
                return dir;
            }
            dir = dir.getParent();
        }
        return Path.of("").toAbsolutePath();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asStringMap(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return value;
    }
}
