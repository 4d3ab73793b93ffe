package org.kowalski.common.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.IndexOptions;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks how the embedded store file keeps documents: as BSON, and as older store files wrote them. */
class EmbeddedStoreFileTest {

    @TempDir
    Path dir;

    /** Returns a document with the BSON types that stored alerts carry, nested and in arrays. */
    private static Document sample() {
        return new Document("_id", "alert")
                .append("candid", 1_234_567_890_123_456_789L)
                .append("ndethist", 7)
                .append("magpsf", 18.123456789)
                .append("objectId", "ZTF20aaelulu")
                .append("isdiffpos", true)
                .append("missing", null)
                .append("created", new Date(1_700_000_000_123L))
                .append("oid", new ObjectId("65f1c0ffee0123456789abcd"))
                .append("cutout", new Binary(new byte[] {0x1f, (byte) 0x8b, 0, 1, 2}))
                .append("price", new Decimal128(new java.math.BigDecimal("1.25")))
                .append(
                        "coordinates",
                        new Document(
                                "radec_geojson",
                                new Document("type", "Point").append("coordinates", List.of(-170.5, 12.25))))
                .append(
                        "prv_candidates",
                        List.of(
                                new Document("jd", 2_458_000.5).append("fid", 1),
                                new Document("jd", 2_458_001.5).append("fid", 2)));
    }

    /** Runs the writes on the database {@code kowalski} of a store file opened by mongo-java-server's own H2 backend. */
    private static void writeWithPlainBackend(Path file, Consumer<com.mongodb.client.MongoDatabase> writes) {
        MongoServer plainServer = new MongoServer(
                new H2Backend(new MVStore.Builder().fileName(file.toString()).open()));
        try {
            plainServer.bind("127.0.0.1", 0);
            try (MongoClient client = MongoClients.create(
                    "mongodb://127.0.0.1:" + plainServer.getLocalAddress().getPort())) {
                writes.accept(client.getDatabase("kowalski"));
            }
        } finally {
            plainServer.shutdownNow();
        }
    }

    @Test
    void documentsRoundTripAcrossRestart() {
        Path file = dir.resolve("store/kowalski.mv.db");
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(file, 0);
                MongoClient client = MongoClients.create(server.connectionString())) {
            client.getDatabase("kowalski").getCollection("alerts").insertOne(sample());
        }

        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(file, 0);
                MongoClient client = MongoClients.create(server.connectionString())) {
            Document found = client.getDatabase("kowalski")
                    .getCollection("alerts")
                    .find(new Document("_id", "alert"))
                    .first();
            assertThat(found).isEqualTo(sample());
            assertThat(List.copyOf(found.keySet())).isEqualTo(List.copyOf(sample().keySet()));
            assertThat(found.get("ndethist")).isInstanceOf(Integer.class);
            assertThat(found.get("candid")).isInstanceOf(Long.class);
        }
    }

    @Test
    void olderStoreFileStillOpens() throws Exception {
        Path file = dir.resolve("older/kowalski.mv.db");
        Files.createDirectories(file.getParent());
        // A file written by mongo-java-server's own H2 backend, as the embedded store did before it wrote BSON.
        writeWithPlainBackend(file, database -> database.getCollection("alerts").insertOne(sample()));

        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(file, 0);
                MongoClient client = MongoClients.create(server.connectionString())) {
            var alerts = client.getDatabase("kowalski").getCollection("alerts");
            assertThat(alerts.find(new Document("_id", "alert")).first()).isEqualTo(sample());

            // The older collection goes on with its own encoding, and a new one uses BSON, in the same file.
            alerts.insertOne(new Document("_id", "second").append("n", 2));
            client.getDatabase("kowalski").getCollection("fresh").insertOne(sample());
        }

        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(file, 0);
                MongoClient client = MongoClients.create(server.connectionString())) {
            var database = client.getDatabase("kowalski");
            assertThat(database.getCollection("alerts").countDocuments()).isEqualTo(2);
            assertThat(database.getCollection("alerts")
                            .find(new Document("_id", "second"))
                            .first()
                            .getInteger("n"))
                    .isEqualTo(2);
            assertThat(database.getCollection("fresh").find().first()).isEqualTo(sample());
        }

        MVStore store =
                new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            assertThat(store.<String, Object>openMap("meta.kowalski.fresh").get("kowalski.valueEncoding"))
                    .as("encoding of the new collection")
                    .isEqualTo("bson");
            assertThat(store.<String, Object>openMap("meta.kowalski.alerts").get("kowalski.valueEncoding"))
                    .as("encoding of the older collection")
                    .isNull();
        } finally {
            store.close();
        }
    }

    @Test
    void olderIndexKeepsItsKeyOrder() throws Exception {
        Path file = dir.resolve("indexed/kowalski.mv.db");
        Files.createDirectories(file.getParent());
        // A unique index written by mongo-java-server's own H2 backend, whose key order differs from the
        // embedded store's for strings of different lengths: the keys must be found in their written order.
        writeWithPlainBackend(file, database -> {
            var alerts = database.getCollection("alerts");
            alerts.createIndex(new Document("candid", 1), new IndexOptions().unique(true));
            for (int i = 0; i < 500; i++) {
                alerts.insertOne(new Document("_id", "a" + i).append("candid", "c" + i * 7_919L % 500));
            }
        });

        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(file, 0);
                MongoClient client = MongoClients.create(server.connectionString())) {
            var database = client.getDatabase("kowalski");
            var alerts = database.getCollection("alerts");
            for (int i = 0; i < 500; i += 11) {
                Document found = alerts.find(new Document("candid", "c" + i * 7_919L % 500))
                        .first();
                assertThat(found).as("alert a%d by candid", i).isNotNull();
                assertThat(found.getString("_id")).isEqualTo("a" + i);
            }
            var fresh = database.getCollection("fresh");
            fresh.createIndex(new Document("candid", 1), new IndexOptions().unique(true));
            fresh.insertOne(new Document("_id", "b").append("candid", 5L));
        }

        MVStore store =
                new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            assertThat(store.<String, Object>openMap("meta.kowalski.alerts").get("kowalski.indexKeyOrder.candid_1"))
                    .as("key order of the older index")
                    .isNull();
            assertThat(store.<String, Object>openMap("meta.kowalski.fresh").get("kowalski.indexKeyOrder.candid_1"))
                    .as("key order of the new index")
                    .isEqualTo("typed");
        } finally {
            store.close();
        }
    }
}
