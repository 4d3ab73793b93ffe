package org.kowalski.common.infra;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process single-node Kafka broker in KRaft mode (broker and controller in one server) for local
 * runs and tests. Its log folder is formatted once and reused, so topics and committed offsets survive
 * a restart.
 */
public final class EmbeddedKafkaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaServer.class);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final KafkaRaftServer server;
    private final int port;
    private final Path logDir;

    private EmbeddedKafkaServer(KafkaRaftServer server, int port, Path logDir) {
        this.server = server;
        this.port = port;
        this.logDir = logDir;
    }

    /**
     * Starts a broker on the loopback interface.
     *
     * @param logDir the log folder, formatted on first use and reused afterwards
     * @param port the client port, or 0 for any free port
     */
    public static EmbeddedKafkaServer start(Path logDir, int port) {
        int clientPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        Path absoluteLogDir = logDir.toAbsolutePath();
        try {
            Files.createDirectories(absoluteLogDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the embedded Kafka log folder " + absoluteLogDir, e);
        }

        // The controller port changes between runs; the voter set records only the node id and host,
        // so the formatted metadata stays valid.
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + clientPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", absoluteLogDir.toString());
        // One broker: internal topics must not ask for more replicas, or consumer groups never form.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "true");
        props.put("log.flush.interval.messages", "1");
        // A single node has no partition leadership to hand over, so a controlled shutdown only waits.
        props.put("controlled.shutdown.enable", "false");
        KafkaConfig config = KafkaConfig.fromProps(props, false);

        formatIfNeeded(absoluteLogDir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            throw new IllegalStateException(
                    "Cannot start the embedded Kafka broker on 127.0.0.1:" + clientPort + " (" + e.getMessage()
                            + "): stop the process using that port or set kafka.embedded_port",
                    e);
        }
        log.info("Embedded Kafka broker listening on 127.0.0.1:{} with log folder {}", clientPort, absoluteLogDir);
        return new EmbeddedKafkaServer(server, clientPort, absoluteLogDir);
    }

    private static void formatIfNeeded(Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setDirectories(List.of(logDir.toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot format the embedded Kafka log folder " + logDir + " (" + e.getMessage()
                            + "): delete the folder and start again",
                    e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free TCP port for the embedded Kafka broker", e);
        }
    }

    public int port() {
        return port;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        log.info("Embedded Kafka broker on port {} stopped (log folder {})", port, logDir);
    }
}
