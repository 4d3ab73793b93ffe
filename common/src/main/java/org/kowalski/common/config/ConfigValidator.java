package org.kowalski.common.config;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a loaded configuration before any service starts, so that a bad value stops the start with a
 * message naming the key and the fix instead of failing later at the first request or alert.
 */
public final class ConfigValidator {

    /** HS256 needs a key of at least 256 bits (RFC 7518, section 3.2). */
    public static final int MIN_JWT_SECRET_BYTES = 32;

    /** The admin password of the shipped defaults, accepted only with the embedded store. */
    public static final String DEFAULT_ADMIN_PASSWORD = "admin";

    private static final Set<String> CONE_UNITS = Set.of("arcsec", "arcmin", "deg", "rad");
    private static final Set<String> ML_ENGINES = new java.util.TreeSet<>(Set.of("onnxruntime", "dl4j"));
    private static final Set<String> DISTANCE_METHODS = Set.of("redshift", "z", "mpc");

    private ConfigValidator() {}

    /** Throws {@link InvalidConfigurationException} listing every invalid key, or returns normally. */
    public static void validate(KowalskiConfig config) {
        List<String> problems = new ArrayList<>();
        checkServer(config, problems);
        checkDatabase(config, problems);
        checkKafka(config, problems);
        checkCrossMatches(config, problems);
        checkSkyPortal(config, problems);
        checkBrokers(config, problems);
        checkMl(config, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException("Invalid configuration: " + String.join("; ", problems));
        }
    }

    private static void checkServer(KowalskiConfig config, List<String> problems) {
        KowalskiConfig.Server server = config.server();
        String secret = server.jwtSecretKey();
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_JWT_SECRET_BYTES) {
            int length = secret == null ? 0 : secret.getBytes(StandardCharsets.UTF_8).length;
            problems.add("server.JWT_SECRET_KEY is " + length + " bytes long, but HS256 needs at least "
                    + MIN_JWT_SECRET_BYTES + " bytes: set a longer secret in config.yaml or KOWALSKI_JWT_SECRET_KEY");
        }
        if (server.jwtAlgorithm() != null && !"HS256".equals(server.jwtAlgorithm())) {
            problems.add("server.JWT_ALGORITHM is '" + server.jwtAlgorithm() + "', but only HS256 is supported");
        }
        if (server.jwtExpDeltaSeconds() != null && server.jwtExpDeltaSeconds() <= 0) {
            problems.add("server.JWT_EXP_DELTA_SECONDS is " + server.jwtExpDeltaSeconds()
                    + ": use a positive number of seconds, or null for tokens that do not expire");
        }
        if (server.adminPassword() == null || server.adminPassword().isEmpty()) {
            problems.add("server.admin_password is empty: set it in config.yaml or KOWALSKI_ADMIN_PASSWORD");
        } else if (DEFAULT_ADMIN_PASSWORD.equals(server.adminPassword())
                && !config.database().isEmbedded()) {
            problems.add("server.admin_password is the default '" + DEFAULT_ADMIN_PASSWORD
                    + "', which is accepted only with the embedded store (database.embedded: true):"
                    + " set a password in config.yaml or KOWALSKI_ADMIN_PASSWORD");
        }
        checkPort("server.port", server.port(), problems);
        if (server.clientMaxSize() != null && server.clientMaxSize() <= 0) {
            problems.add("server.client_max_size is " + server.clientMaxSize() + ": use a positive number of bytes");
        }
    }

    private static void checkMl(KowalskiConfig config, List<String> problems) {
        config.ml().forEach((survey, ml) -> {
            if (ml != null && !ML_ENGINES.contains(ml.engineOrDefault())) {
                problems.add("ml." + survey + ".engine is '" + ml.engine() + "': use one of " + ML_ENGINES);
            }
        });
    }

    private static void checkDatabase(KowalskiConfig config, List<String> problems) {
        KowalskiConfig.Database database = config.database();
        if (database.db() == null || database.db().isBlank()) {
            problems.add("database.db is empty: name the database, for example 'kowalski'");
        }
        if (database.isEmbedded()) {
            if (database.embeddedDataFile() == null
                    || database.embeddedDataFile().isBlank()) {
                problems.add("database.embedded_data_file is empty: name the file of the embedded store,"
                        + " for example data/mongodb/kowalski.mv.db");
            }
            return;
        }
        boolean hasUri = database.uri() != null && !database.uri().isBlank();
        if (!hasUri && (database.host() == null || database.host().isBlank())) {
            problems.add("database.host is empty and database.uri is not set: name the MongoDB host, or set"
                    + " database.embedded: true for a local run");
        }
        if (!hasUri && !Boolean.TRUE.equals(database.srv())) {
            checkPort("database.port", database.port(), problems);
        }
        // Without a password the client connects unauthenticated: the ping at start-up passes, and the
        // first read or write fails with an authorization error far from its cause.
        if (!hasUri
                && database.username() != null
                && (database.password() == null || database.password().isEmpty())) {
            problems.add("database.password is empty for database.username '" + database.username()
                    + "': set it in config.yaml or KOWALSKI_DATABASE_PASSWORD, or set database.username: null"
                    + " for a MongoDB without authentication");
        }
    }

    private static void checkKafka(KowalskiConfig config, List<String> problems) {
        KowalskiConfig.Kafka kafka = config.kafka();
        if (kafka.isEmbedded()) {
            checkPort("kafka.embedded_port", kafka.embeddedPort(), problems);
        } else if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
            problems.add("kafka.bootstrap.servers is empty: list the Kafka brokers as host:port,"
                    + " or set kafka.embedded: true for a local run");
        }
    }

    private static void checkCrossMatches(KowalskiConfig config, List<String> problems) {
        config.database()
                .xmatch()
                .forEach((survey, catalogs) -> catalogs.forEach((catalog, spec) -> {
                    String key = "database.xmatch." + survey + "." + catalog;
                    if (spec == null) {
                        problems.add(key + " is empty: give cone_search_radius and cone_search_unit");
                        return;
                    }
                    if (spec.coneSearchRadius() == null || spec.coneSearchRadius() < 0) {
                        problems.add(key + ".cone_search_radius is " + spec.coneSearchRadius()
                                + ": use a radius of 0 or more");
                    }
                    if (spec.coneSearchUnit() == null || !CONE_UNITS.contains(spec.coneSearchUnit())) {
                        problems.add(key + ".cone_search_unit is '" + spec.coneSearchUnit()
                                + "': use one of arcsec, arcmin, deg, rad");
                    }
                    if (spec.isDistanceBased()) {
                        checkDistanceCatalog(key, spec, problems);
                    }
                }));
    }

    private static void checkDistanceCatalog(String key, KowalskiConfig.XmatchCatalog spec, List<String> problems) {
        if (spec.distanceValue() == null || spec.distanceValue().isBlank()) {
            problems.add(key + ".distance_value is empty: name the distance field, such as z or DistMpc");
        }
        boolean redshiftField = "z".equals(spec.distanceValue());
        if (!redshiftField && !DISTANCE_METHODS.contains(String.valueOf(spec.distanceMethod()))) {
            problems.add(key + ".distance_method is '" + spec.distanceMethod() + "': use one of redshift, z, mpc");
        }
        if (spec.cmAtDistance() == null || !(spec.cmAtDistance() > 0)) {
            problems.add(key + ".cm_at_distance is " + spec.cmAtDistance()
                    + ": use the match radius of distant galaxies in kpc, such as 30");
        }
        if (spec.cmLowDistance() == null || !(spec.cmLowDistance() >= 0)) {
            problems.add(key + ".cm_low_distance is " + spec.cmLowDistance()
                    + ": use the match radius of nearby galaxies in arcsec, such as 300");
        }
    }

    private static void checkSkyPortal(KowalskiConfig config, List<String> problems) {
        KowalskiConfig.SkyPortal skyportal = config.skyportal();
        checkPositive("skyportal.timeout_ms", skyportal.timeoutMs(), problems);
        checkPositive("skyportal.photometry_timeout_ms", skyportal.photometryTimeoutMs(), problems);
        checkPositive("skyportal.followup_timeout_ms", skyportal.followupTimeoutMs(), problems);
        checkPositive("skyportal.outbox_poll_interval_ms", skyportal.outboxPollIntervalMs(), problems);
        checkPositive("skyportal.retry_initial_delay_ms", skyportal.retryInitialDelayMs(), problems);
        checkPositive("skyportal.retry_max_delay_ms", skyportal.retryMaxDelayMs(), problems);
        checkPositive("skyportal.outbox_retention_hours", skyportal.outboxRetentionHours(), problems);
        if (skyportal.outboxConcurrency() != null && skyportal.outboxConcurrency() < 1) {
            problems.add("skyportal.outbox_concurrency is " + skyportal.outboxConcurrency()
                    + ": use 1 or more objects posted in parallel");
        }
        checkPositive("misc.filter_max_time_ms", config.misc().filterMaxTimeMs(), problems);
        checkPositive("misc.filter_check_interval_ms", config.misc().filterCheckIntervalMs(), problems);
        if (config.misc().isBroker()) {
            if (skyportal.host() == null || skyportal.host().isBlank()) {
                problems.add("skyportal.host is empty while misc.broker is true: name the SkyPortal host,"
                        + " or set misc.broker: false to only store alerts");
            }
            if (!"http".equals(skyportal.protocol()) && !"https".equals(skyportal.protocol())) {
                problems.add("skyportal.protocol is '" + skyportal.protocol() + "': use http or https");
            }
            if (skyportal.port() != null) {
                checkPort("skyportal.port", skyportal.port(), problems);
            }
        }
    }

    private static void checkPositive(String key, Long value, List<String> problems) {
        if (value != null && value <= 0) {
            problems.add(key + " is " + value + ": use a positive number");
        }
    }

    private static void checkBrokers(KowalskiConfig config, List<String> problems) {
        if (config.kafka().topicRefreshMs() != null && config.kafka().topicRefreshMs() < 100) {
            problems.add("kafka.topic_refresh_ms is " + config.kafka().topicRefreshMs()
                    + ": use at least 100 milliseconds (the default is 30000)");
        }
        config.brokers().forEach((survey, broker) -> {
            if (broker == null) {
                return;
            }
            if (broker.consumerConcurrency() != null && broker.consumerConcurrency() < 1) {
                problems.add("brokers." + survey + ".consumer_concurrency is " + broker.consumerConcurrency()
                        + ": use 1 or more consumer threads");
            }
            if (broker.maxPollRecords() != null && broker.maxPollRecords() < 1) {
                problems.add("brokers." + survey + ".max_poll_records is " + broker.maxPollRecords()
                        + ": use 1 or more messages per batch");
            }
            for (String night : broker.nightsOrEmpty()) {
                if (!isNight(night)) {
                    problems.add("brokers." + survey + ".nights contains '" + night
                            + "': list nights as YYYYMMDD dates, such as [\"20240311\"]");
                }
            }
            if (broker.programids() != null && broker.programids().stream().anyMatch(id -> id == null || id < 0)) {
                problems.add("brokers." + survey + ".programids is " + broker.programids()
                        + ": list program ids of 0 or more, such as [1, 2, 3]");
            }
        });
    }

    /** Returns whether a text is a valid calendar date written {@code YYYYMMDD}. */
    private static boolean isNight(String text) {
        if (text == null || !text.matches("\\d{8}")) {
            return false;
        }
        try {
            LocalDate.parse(text, DateTimeFormatter.BASIC_ISO_DATE);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static void checkPort(String key, Integer port, List<String> problems) {
        if (port == null || port < 0 || port > 65535) {
            problems.add(key + " is " + port + ": use a TCP port from 0 to 65535");
        }
    }
}
