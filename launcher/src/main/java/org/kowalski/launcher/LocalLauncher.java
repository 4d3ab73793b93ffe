package org.kowalski.launcher;

import java.util.Map;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.InvalidConfigurationException;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.mongo.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        System.setProperty(EmbeddedInfrastructure.LAUNCHER_PROPERTY, "true");
        System.setProperty(
                "logging.file.name", config.resolvePath("logs/kowalski.log").toString());

        LocalKowalski running;
        try {
            running = LocalKowalski.start(config, args);
        } catch (InvalidConfigurationException | StoreUnavailableException e) {
            log.error("Kowalski did not start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "kowalski-local-stop"));
        printWelcome(config);
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
}
