package org.kowalski.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.kowalski.api.ApiApplication;
import org.kowalski.broker.pgir.PgirBrokerApplication;
import org.kowalski.broker.turbo.TurboBrokerApplication;
import org.kowalski.broker.wntr.WntrBrokerApplication;
import org.kowalski.broker.ztf.ZtfBrokerApplication;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.InvalidConfigurationException;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.mongo.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts Kowalski on one machine in one process: the embedded store and Kafka broker when configured,
 * then the API and each enabled survey broker as its own Spring application. Ctrl+C stops the services
 * first and the embedded servers last. This is what {@code make run} executes; production runs each
 * service in its own container instead.
 */
public final class LocalLauncher {

    private static final Logger log = LoggerFactory.getLogger(LocalLauncher.class);

    private LocalLauncher() {}

    /**
     * Runs a command: {@code run} (the default) starts everything; {@code stream --topic T --alerts DIR}
     * publishes a folder of alerts to the running Kafka broker.
     */
    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "run" : args[0];
        String[] rest = args.length == 0 ? args : java.util.Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "run" -> run(rest);
            case "stream" -> System.exit(StreamCommand.run(rest));
            default -> {
                System.err.println(
                        "Unknown command '" + command + "': use 'run' or 'stream --topic <topic> --alerts <folder>'");
                System.exit(2);
            }
        }
    }

    private static void run(String[] args) {
        KowalskiConfig config;
        try {
            config = ConfigLoader.load();
        } catch (InvalidConfigurationException e) {
            log.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        System.setProperty(
                "logging.file.name", config.resolvePath("logs/kowalski.log").toString());

        List<ConfigurableApplicationContext> started = Collections.synchronizedList(new ArrayList<>());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(started), "kowalski-local-stop"));
        try {
            EmbeddedInfrastructure.ensureStarted(config);
            started.add(ApiApplication.start(config, args));
            startBroker(config, "ztf", ZtfBrokerApplication::start, started);
            startBroker(config, "pgir", PgirBrokerApplication::start, started);
            startBroker(config, "wntr", WntrBrokerApplication::start, started);
            startBroker(config, "turbo", TurboBrokerApplication::start, started);
        } catch (InvalidConfigurationException | StoreUnavailableException e) {
            log.error("Kowalski did not start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        printWelcome(config);
    }

    private static void startBroker(
            KowalskiConfig config,
            String survey,
            Function<KowalskiConfig, ConfigurableApplicationContext> start,
            List<ConfigurableApplicationContext> started) {
        if (Boolean.FALSE.equals(config.enabled().get(survey))) {
            log.info("Broker {} is disabled (enabled.{}: false); not starting it", survey, survey);
            return;
        }
        started.add(start.apply(config));
    }

    private static void printWelcome(KowalskiConfig config) {
        String adminSource = System.getenv("KOWALSKI_ADMIN_PASSWORD") != null
                ? "the environment variable KOWALSKI_ADMIN_PASSWORD"
                : "server.admin_username and server.admin_password in config.yaml (defaults: config.defaults.yaml)";
        StringBuilder brokers = new StringBuilder();
        for (Map.Entry<String, KowalskiConfig.Broker> entry : config.brokers().entrySet()) {
            brokers.append(String.format(
                    "%n  %-5s broker health: http://localhost:%d/actuator/health",
                    entry.getKey(), entry.getValue().managementPort()));
        }
        log.info(
                "%nKowalski is running.%n  API: http://localhost:{}/  (OpenAPI: http://localhost:{}/docs/api/)"
                                .replace("%n", System.lineSeparator())
                        + "{}{}  Admin credentials come from {}.{}  Logs: {}{}  Stop with Ctrl+C.",
                config.server().port(),
                config.server().port(),
                brokers.toString(),
                System.lineSeparator(),
                adminSource,
                System.lineSeparator(),
                config.resolvePath("logs"),
                System.lineSeparator());
    }

    private static void stopAll(List<ConfigurableApplicationContext> started) {
        List<ConfigurableApplicationContext> reversed = new ArrayList<>(started);
        Collections.reverse(reversed);
        for (ConfigurableApplicationContext context : reversed) {
            try {
                context.close();
            } catch (RuntimeException e) {
                log.warn("Stopping {} failed: {}", context.getId(), e.toString());
            }
        }
        EmbeddedInfrastructure.stop();
        log.info("Kowalski stopped");
    }
}
