package org.kowalski.common.infra;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.h2.mvstore.MVStore;

/**
 * An in-memory embedded store and a plain mongo-java-server H2 store side by side on loopback, each with a
 * client, for tests that compare the two.
 */
final class PlainAndEmbeddedStores implements AutoCloseable {

    private final MongoServer embeddedServer = new MongoServer(new EmbeddedStoreBackend(MVStore.open(null)));
    private final MongoServer plainServer = new MongoServer(H2Backend.inMemory());
    private final MongoClient embeddedClient;
    private final MongoClient plainClient;

    PlainAndEmbeddedStores() {
        embeddedServer.bind("127.0.0.1", 0);
        plainServer.bind("127.0.0.1", 0);
        embeddedClient = MongoClients.create(
                "mongodb://127.0.0.1:" + embeddedServer.getLocalAddress().getPort());
        plainClient = MongoClients.create(
                "mongodb://127.0.0.1:" + plainServer.getLocalAddress().getPort());
    }

    /** Returns the database {@code kowalski} of the embedded store. */
    MongoDatabase embedded() {
        return embeddedClient.getDatabase("kowalski");
    }

    /** Returns the database {@code kowalski} of the plain store. */
    MongoDatabase plain() {
        return plainClient.getDatabase("kowalski");
    }

    @Override
    public void close() {
        embeddedClient.close();
        plainClient.close();
        embeddedServer.shutdownNow();
        plainServer.shutdownNow();
    }
}
