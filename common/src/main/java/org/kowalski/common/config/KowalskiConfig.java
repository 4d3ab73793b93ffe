package org.kowalski.common.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The typed {@code kowalski} configuration tree, one record per section, with the YAML key names of the
 * Python original. {@link #raw()} keeps the merged tree for dotted look-ups of keys that have no typed
 * field.
 */
public record KowalskiConfig(
        Server server,
        Kafka kafka,
        Database database,
        Map<String, MlSurvey> ml,
        SkyPortal skyportal,
        Map<String, Broker> brokers,
        Misc misc,
        Map<String, Boolean> enabled,
        Path baseDir,
        Map<String, Object> raw) {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);

    /** Builds the typed configuration from a merged {@code kowalski} tree. */
    public static KowalskiConfig fromTree(Map<String, Object> tree, Path baseDir) {
        try {
            Sections sections = MAPPER.convertValue(tree, Sections.class);
            return new KowalskiConfig(
                    sections.server() == null ? MAPPER.convertValue(Map.of(), Server.class) : sections.server(),
                    sections.kafka() == null ? MAPPER.convertValue(Map.of(), Kafka.class) : sections.kafka(),
                    sections.database() == null ? MAPPER.convertValue(Map.of(), Database.class) : sections.database(),
                    nonNull(sections.ml()),
                    sections.skyportal() == null
                            ? MAPPER.convertValue(Map.of(), SkyPortal.class)
                            : sections.skyportal(),
                    nonNull(sections.brokers()),
                    sections.misc() == null ? MAPPER.convertValue(Map.of(), Misc.class) : sections.misc(),
                    nonNull(sections.enabled()),
                    baseDir,
                    Collections.unmodifiableMap(tree));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("Invalid configuration value: " + e.getMessage(), e);
        }
    }

    private static <K, V> Map<K, V> nonNull(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    /** Returns the value at a dotted path of the merged tree, or {@code null}; dotted keys are matched whole. */
    public Object get(String path) {
        Object node = raw;
        String rest = path;
        while (!rest.isEmpty()) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            if (map.containsKey(rest)) {
                return map.get(rest);
            }
            int dot = rest.indexOf('.');
            if (dot < 0) {
                return null;
            }
            // Try the longest key first, since Kafka keys such as "bootstrap.servers" contain dots.
            Object found = null;
            int split = rest.lastIndexOf('.');
            while (split > 0) {
                String head = rest.substring(0, split);
                if (map.containsKey(head)) {
                    found = map.get(head);
                    rest = rest.substring(split + 1);
                    break;
                }
                split = rest.lastIndexOf('.', split - 1);
            }
            if (found == null) {
                return null;
            }
            node = found;
        }
        return node;
    }

    /** Resolves a path of the configuration, such as a data folder, against the configuration folder. */
    public Path resolvePath(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : baseDir.resolve(p).normalize();
    }

    /** Logical names of the collections that hold the system's own data, not the archive's. */
    public static final List<String> SYSTEM_COLLECTIONS = List.of("users", "filters", "queries", "skyportal_outbox");

    /**
     * Returns the configured names of the system collections (users, filters, queries and the SkyPortal
     * outbox), which only the admin may query and no user pipeline may read or write.
     */
    public Set<String> systemCollections() {
        Set<String> names = new LinkedHashSet<>();
        for (String logicalName : SYSTEM_COLLECTIONS) {
            String name = database.collections().get(logicalName);
            if (name != null) {
                names.add(name);
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** Returns the collection name behind a logical key of {@code database.collections}, such as {@code alerts_ztf}. */
    public String collection(String logicalName) {
        String name = database.collections().get(logicalName);
        if (name == null) {
            throw new InvalidConfigurationException("Missing key database.collections." + logicalName
                    + ": add it to config.yaml with the collection name");
        }
        return name;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Sections(
            Server server,
            Kafka kafka,
            Database database,
            Map<String, MlSurvey> ml,
            SkyPortal skyportal,
            Map<String, Broker> brokers,
            Misc misc,
            Map<String, Boolean> enabled) {}

    /** The {@code server} section: the API's address, admin account and token settings. */
    public record Server(
            String name,
            String version,
            String description,
            String host,
            Integer port,
            String adminUsername,
            String adminPassword,
            @JsonProperty("JWT_SECRET_KEY") String jwtSecretKey,
            @JsonProperty("JWT_ALGORITHM") String jwtAlgorithm,
            @JsonProperty("JWT_EXP_DELTA_SECONDS") Long jwtExpDeltaSeconds,
            Long clientMaxSize,
            Integer findDefaultLimit,
            Integer findMaxLimit,
            Map<String, String> contact) {}

    /** The {@code kafka} section. Keys with dots are literal keys, as the Kafka clients spell them. */
    public record Kafka(
            Boolean embedded,
            String embeddedLogDir,
            Integer embeddedPort,

            @JsonProperty("default.topic.config.auto.offset.reset")
            String autoOffsetReset,

            String group,
            Long topicRefreshMs,
            @JsonProperty("bootstrap.servers") String bootstrapServers,
            @JsonProperty("bootstrap.test.servers") String bootstrapTestServers,
            @JsonProperty("processes_per_topic") Map<String, Integer> processesPerTopic) {

        public boolean isEmbedded() {
            return Boolean.TRUE.equals(embedded);
        }

        /** Returns how often the brokers look for new alert topics, in milliseconds (default 30 s). */
        public long topicRefreshMsOrDefault() {
            return topicRefreshMs == null ? 30_000 : topicRefreshMs;
        }
    }

    /** The {@code database} section: the store, its collections, indexes, upstream filters and cross-matches. */
    public record Database(
            Boolean embedded,
            String embeddedDataFile,
            String uri,
            Integer maxPoolSize,
            String host,
            Integer port,
            String replicaSet,
            String db,
            String adminUsername,
            String adminPassword,
            String username,
            String password,
            Boolean srv,
            Boolean buildIndexes,
            Long connectTimeoutMs,
            Map<String, String> collections,
            Map<String, List<IndexSpec>> indexes,
            Map<String, List<Map<String, Object>>> filters,
            Map<String, LinkedHashMap<String, XmatchCatalog>> xmatch) {

        public boolean isEmbedded() {
            return Boolean.TRUE.equals(embedded);
        }

        public Map<String, String> collections() {
            return collections == null ? Map.of() : collections;
        }

        public Map<String, List<IndexSpec>> indexes() {
            return indexes == null ? Map.of() : indexes;
        }

        public Map<String, List<Map<String, Object>>> filters() {
            return filters == null ? Map.of() : filters;
        }

        public Map<String, LinkedHashMap<String, XmatchCatalog>> xmatch() {
            return xmatch == null ? Map.of() : xmatch;
        }
    }

    /**
     * One index of {@code database.indexes}: a name, the fields as {@code [field, 1 | -1 | "2dsphere"]}
     * pairs in order, and whether it is unique.
     */
    public record IndexSpec(String name, List<List<Object>> fields, Boolean unique) {

        public boolean isUnique() {
            return Boolean.TRUE.equals(unique);
        }
    }

    /** One catalog of {@code database.xmatch.<SURVEY>}: the cone, and for galaxy catalogs the distance rules. */
    public record XmatchCatalog(
            Double coneSearchRadius,
            String coneSearchUnit,
            Map<String, Object> filter,
            Map<String, Object> projection,
            Boolean useDistance,
            String distanceValue,
            String distanceMethod,
            Double cmAtDistance,
            Double cmLowDistance) {

        public boolean isDistanceBased() {
            return Boolean.TRUE.equals(useDistance);
        }
    }

    /**
     * The models of one survey under {@code ml.<SURVEY>}.
     *
     * @param modelsSourceDir folder, relative to the configuration folder, from which a model file missing
     *     from {@code models/<survey>/} is copied before it is downloaded from its {@code url}; may be
     *     {@code null}
     */
    public record MlSurvey(
            Object allowedFeatures, Map<String, ModelSpec> models, String modelsSourceDir, String engine) {

        /** The inference engine that runs the models when {@code ml.<survey>.engine} is not set. */
        public static final String DEFAULT_ENGINE = "onnxruntime";

        /** Returns {@code ml.<survey>.engine}: {@code onnxruntime} (the default) or {@code dl4j}. */
        public String engineOrDefault() {
            return engine == null || engine.isBlank()
                    ? DEFAULT_ENGINE
                    : engine.strip().toLowerCase(Locale.ROOT);
        }

        /** Returns the allowed feature names, from a YAML list or the original's tuple-literal string. */
        public List<String> allowedFeatureNames() {
            return parseNameList(allowedFeatures, "ml.<survey>.allowed_features");
        }

        public Map<String, ModelSpec> models() {
            return models == null ? Map.of() : models;
        }
    }

    /**
     * One model of {@code ml.<SURVEY>.models}: {@code feature_names} is {@code false}, {@code true} (all
     * allowed features) or a list of names.
     */
    public record ModelSpec(
            Boolean triplet,
            Object featureNames,
            Map<String, Double> featureNorms,
            String version,
            String format,
            List<String> order,
            String url) {}

    /**
     * The {@code skyportal} section: where filter results are posted when {@code misc.broker} is on, the
     * request time limits, and how the outbox of failed posts is retried.
     */
    public record SkyPortal(
            String protocol,
            String host,
            Integer port,
            String username,
            String token,
            Long timeoutMs,
            Long photometryTimeoutMs,
            Long followupTimeoutMs,
            Long outboxPollIntervalMs,
            Long retryInitialDelayMs,
            Long retryMaxDelayMs,
            Integer outboxConcurrency,
            Long outboxRetentionHours) {

        /** Returns the base URL, such as {@code http://localhost:5000}. */
        public String baseUrl() {
            return protocol + "://" + host + (port == null ? "" : ":" + port);
        }
    }

    /** Per-survey broker settings under {@code brokers.<SURVEY>}. */
    public record Broker(
            String topicPrefix,
            List<Integer> programids,
            Integer managementPort,
            Integer consumerConcurrency,
            Integer maxPollRecords,
            List<String> nights) {

        /** Returns the number of consumer threads (default 1). */
        public int consumerConcurrencyOrDefault() {
            return consumerConcurrency == null ? 1 : consumerConcurrency;
        }

        /** Returns the largest number of Kafka messages processed as one batch (default 100). */
        public int maxPollRecordsOrDefault() {
            return maxPollRecords == null ? 100 : maxPollRecords;
        }

        /**
         * Returns the nights ({@code YYYYMMDD}) whose topics the broker consumes instead of the ones
         * derived from the current date, or an empty list when none are configured.
         */
        public List<String> nightsOrEmpty() {
            return nights == null ? List.of() : nights;
        }
    }

    /** The {@code misc} section. */
    public record Misc(
            Boolean broker,
            List<String> supportedPenquinsVersions,
            Long maxTimeMs,
            Integer maxRetries,
            Long filterMaxTimeMs,
            Long filterCheckIntervalMs) {

        public boolean isBroker() {
            return Boolean.TRUE.equals(broker);
        }
    }

    /**
     * Parses a list of names given either as a YAML list or as a Python tuple literal string such as
     * {@code "('drb', 'magpsf')"}, the form the original's configuration uses.
     *
     * @param key the configuration key, named in the error message
     */
    public static List<String> parseNameList(Object value, String key) {
        if (value == null || Boolean.FALSE.equals(value)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> names.add(String.valueOf(item).trim()));
            return names;
        }
        if (value instanceof String text) {
            String body = text.trim();
            if (body.startsWith("(") || body.startsWith("[")) {
                body = body.substring(1, body.length() - 1);
            }
            for (String part : body.split(",")) {
                String name = part.trim().replaceAll("^['\"]|['\"]$", "");
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
            return names;
        }
        throw new InvalidConfigurationException(
                "Invalid value of " + key + ": " + value + "; expected a list of names such as [drb, magpsf]");
    }
}
