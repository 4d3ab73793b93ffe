package org.kowalski.common.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import java.util.List;
import org.bson.Document;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Updates on the embedded store replace the document object in the H2 map instead of changing it, so that
 * H2's background writer and every reader with a reference to it see the stored document unchanged.
 */
class StoredDocumentIsolationTest {

    private MVStore store;
    private MongoServer server;
    private MongoClient client;
    private MongoCollection<Document> aux;

    @BeforeEach
    void start() {
        store = MVStore.open(null);
        server = new MongoServer(new EmbeddedStoreBackend(store));
        server.bind("127.0.0.1", 0);
        client = MongoClients.create(
                "mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
        aux = client.getDatabase("kowalski").getCollection("aux");
        aux.insertOne(Document.parse("{_id: 'ZTF20a', n: 1, note: 'first', prv_candidates: [{jd: 1.5}]}"));
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    /** Returns the document object in the store's map under the key of the only stored document. */
    private de.bwaldvogel.mongo.bson.Document cachedDocument() {
        MVMap<Object, de.bwaldvogel.mongo.bson.Document> map = store.openMap("databases.kowalski.aux");
        assertThat(map.size()).isEqualTo(1);
        return map.values().iterator().next();
    }

    @Test
    void updateKeepsCachedObject() {
        de.bwaldvogel.mongo.bson.Document before = cachedDocument();
        de.bwaldvogel.mongo.bson.Document snapshot = before.cloneDeeply();

        aux.updateOne(
                Filters.eq("_id", "ZTF20a"),
                Updates.combine(
                        Updates.push("prv_candidates", new Document("jd", 2.5)),
                        Updates.inc("n", 1),
                        Updates.unset("note"),
                        Updates.set("last_jd", 2.5)));

        assertThat(before).isEqualTo(snapshot);
        assertThat(cachedDocument()).isNotSameAs(before);
        assertThat(aux.find().first())
                .isEqualTo(
                        Document.parse("{_id: 'ZTF20a', n: 2, prv_candidates: [{jd: 1.5}, {jd: 2.5}], last_jd: 2.5}"));
    }

    @Test
    void scanUpdateKeepsCachedObject() {
        de.bwaldvogel.mongo.bson.Document before = cachedDocument();
        de.bwaldvogel.mongo.bson.Document snapshot = before.cloneDeeply();

        long modified = aux.updateMany(Filters.eq("n", 1), Updates.set("note", "second"))
                .getModifiedCount();

        assertThat(modified).isEqualTo(1);
        assertThat(before).isEqualTo(snapshot);
        assertThat(aux.find().first().getString("note")).isEqualTo("second");
    }

    @Test
    void findAndModifyKeepsCachedObject() {
        de.bwaldvogel.mongo.bson.Document before = cachedDocument();
        de.bwaldvogel.mongo.bson.Document snapshot = before.cloneDeeply();

        Document previous = aux.findOneAndUpdate(Filters.eq("_id", "ZTF20a"), Updates.inc("n", 10));
        Document updated = aux.findOneAndUpdate(
                Filters.eq("_id", "ZTF20a"),
                Updates.inc("n", 100),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));

        assertThat(before).isEqualTo(snapshot);
        assertThat(previous.getInteger("n")).isEqualTo(1);
        assertThat(updated.getInteger("n")).isEqualTo(111);
        assertThat(updated.getList("prv_candidates", Document.class)).isEqualTo(List.of(new Document("jd", 1.5)));
    }
}
