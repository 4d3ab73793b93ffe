package org.kowalski.common.infra;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process MongoDB-wire server (mongo-java-server) for local runs and tests, backed by an H2
 * MVStore file so that data survives a restart, or by memory when no file is given.
 *
 * <p>It lacks geo operators, several aggregation stages and secondary indexes; the code that needs
 * them goes through the fallbacks in {@code org.kowalski.common.sky}. Its aggregations are corrected
 * by {@link EmbeddedStoreBackend}. The one index it adds is an in-memory position index per collection
 * ({@link SkyIndexedH2Collection}), which serves the range conditions on the stored position that
 * those fallbacks send.
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongoServer.class);

    private final H2Backend backend;
    private final MongoServer server;
    private final InetSocketAddress address;
    private final Path dataFile;

    private EmbeddedMongoServer(H2Backend backend, MongoServer server, InetSocketAddress address, Path dataFile) {
        this.backend = backend;
        this.server = server;
        this.address = address;
        this.dataFile = dataFile;
    }

    /**
     * Starts a server on the loopback interface.
     *
     * @param dataFile the store file, created with its folder when missing; {@code null} keeps data in memory
     * @param port the TCP port, or 0 for any free port
     */
    public static EmbeddedMongoServer start(Path dataFile, int port) {
        H2Backend backend;
        if (dataFile == null) {
            backend = new EmbeddedStoreBackend(MVStore.open(null));
        } else {
            try {
                Files.createDirectories(dataFile.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the folder of the embedded store file " + dataFile, e);
            }
            // NOTE: H2 2.4.240 can fail reads with "Chunk N not found" (reported upstream as
            // h2database/h2database#4383) when its background compaction rewrites chunks while
            // mongo-java-server scans a collection, as a count right after 25,000 inserts showed. Without
            // auto-compaction that error has not recurred in seven such runs. The price is a larger file,
            // since partly used chunks are no longer rewritten.
            backend = new EmbeddedStoreBackend(new MVStore.Builder()
                    .fileName(dataFile.toString())
                    .autoCompactFillRate(0)
                    .backgroundExceptionHandler((thread, e) -> log.error(
                            "The embedded store file {} failed in its background writer ({}); the store closes and"
                                    + " later requests fail until the server restarts",
                            dataFile,
                            thread.getName(),
                            e))
                    .open());
        }
        MongoServer server = new MongoServer(backend);
        try {
            server.bind("127.0.0.1", port);
        } catch (RuntimeException e) {
            backend.close();
            throw new IllegalStateException(
                    "Cannot start the embedded MongoDB-wire server on 127.0.0.1:" + port + " (" + e.getMessage()
                            + "): stop the process using that port or set database.port",
                    e);
        }
        InetSocketAddress address = server.getLocalAddress();
        log.info(
                "Embedded MongoDB-wire server listening on {}:{} with {}",
                address.getHostString(),
                address.getPort(),
                dataFile == null ? "an in-memory store" : "store file " + dataFile);
        return new EmbeddedMongoServer(backend, server, address, dataFile);
    }

    public int port() {
        return address.getPort();
    }

    /** Returns the store file, or {@code null} for an in-memory store. */
    public Path dataFile() {
        return dataFile;
    }

    /** Returns a connection string for the MongoDB driver. */
    public String connectionString() {
        return "mongodb://127.0.0.1:" + address.getPort();
    }

    /** Writes pending changes to the store file; a no-op for an in-memory store. */
    public void commit() {
        if (dataFile != null) {
            backend.commit();
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
        backend.close();
        log.info("Embedded MongoDB-wire server on port {} stopped", address.getPort());
    }
}
