package org.kowalski.launcher;

import java.nio.file.Path;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.kafka.AlertStreamer;

/**
 * {@code stream --topic <topic> --alerts <folder> [--partitions N]}: publishes alert files to the Kafka
 * broker of the configuration; with {@code kafka.embedded: true} that is the broker of a running
 * {@code make run}, on {@code kafka.embedded_port}.
 */
final class StreamCommand {

    private StreamCommand() {}

    static int run(String[] args) throws Exception {
        String topic = null;
        String alerts = null;
        int partitions = 1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--topic" -> topic = value;
                case "--alerts" -> alerts = value;
                case "--partitions" -> partitions = Integer.parseInt(value);
                default -> {
                    System.err.println("Unknown option '" + args[i] + "': use --topic, --alerts and --partitions");
                    return 2;
                }
            }
            i++;
        }
        if (topic == null || alerts == null) {
            System.err.println("Missing option: stream needs --topic <topic> and --alerts <folder of .avro files>");
            return 2;
        }
        KowalskiConfig config = ConfigLoader.load();
        String bootstrapServers = config.kafka().isEmbedded()
                ? "127.0.0.1:" + config.kafka().embeddedPort()
                : config.kafka().bootstrapServers();
        int sent = AlertStreamer.stream(bootstrapServers, topic, Path.of(alerts), partitions);
        System.out.println("Published " + sent + " alerts to " + topic);
        return 0;
    }
}
