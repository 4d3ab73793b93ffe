package org.kowalski.common.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Updates and queries that the embedded store serves in its own way ({@code $addToSet} with {@code
 * $each}, selectors with an indexed conjunct) give the results of a plain mongo-java-server H2 store:
 * the same stored documents, key order included, the same counts and the same errors.
 */
class EmbeddedStoreUpdateTest {

    private static EmbeddedMongoServer embeddedServer;
    private static MongoServer plainServer;
    private static MongoClient embeddedClient;
    private static MongoClient plainClient;
    private static MongoCollection<Document> embedded;
    private static MongoCollection<Document> plain;

    @BeforeAll
    static void start() {
        embeddedServer = EmbeddedMongoServer.start(null, 0);
        embeddedClient = MongoClients.create(embeddedServer.connectionString());
        plainServer = new MongoServer(H2Backend.inMemory());
        plainServer.bind("127.0.0.1", 0);
        InetSocketAddress address = plainServer.getLocalAddress();
        plainClient = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        embedded = embeddedClient.getDatabase("kowalski").getCollection("aux");
        plain = plainClient.getDatabase("kowalski").getCollection("aux");
    }

    @AfterAll
    static void stop() {
        embeddedClient.close();
        embeddedServer.close();
        plainClient.close();
        plainServer.shutdownNow();
    }

    @BeforeEach
    void fill() {
        for (MongoCollection<Document> collection : List.of(embedded, plain)) {
            collection.drop();
            collection.createIndex(new Document("candid", 1), new IndexOptions().unique(true));
            collection.insertMany(List.of(
                    Document.parse("{_id: 'ZTF20a', candid: 11, prv_candidates: [{jd: 1.5, magpsf: 19.0},"
                            + " {jd: 2.5, magpsf: 18.0}], tags: ['a']}"),
                    Document.parse("{_id: 'ZTF20b', candid: 12, prv_candidates: null, tags: 'not an array'}"),
                    Document.parse("{_id: 'ZTF20c', candid: 13, fp_hists: [{jd: 1.0, flux: 5}]}")));
        }
    }

    /** Applies the same update to both stores and returns the embedded store's result after checking it. */
    private static UpdateResult updateBoth(Bson filter, Bson update, UpdateOptions options) {
        UpdateResult expected = plain.updateOne(filter, update, options);
        UpdateResult actual = embedded.updateOne(filter, update, options);
        assertThat(actual).isEqualTo(expected);
        assertSameDocuments();
        return actual;
    }

    /** Asserts that both stores hold the same documents, in the same order and with the same key order. */
    private static void assertSameDocuments() {
        assertThat(json(embedded.find())).isEqualTo(json(plain.find()));
    }

    private static List<String> json(Iterable<Document> documents) {
        List<String> json = new ArrayList<>();
        documents.forEach(document -> json.add(document.toJson()));
        return json;
    }

    private static List<Document> docs(String... json) {
        List<Document> documents = new ArrayList<>();
        for (String text : json) {
            documents.add(Document.parse(text));
        }
        return documents;
    }

    @Test
    void addToSetSkipsStoredAndRepeated() {
        UpdateResult result = updateBoth(
                Filters.eq("_id", "ZTF20a"),
                Updates.addEachToSet(
                        "prv_candidates",
                        docs(
                                "{jd: 2.5, magpsf: 18.0}",
                                "{jd: 3.5, magpsf: 17.0}",
                                "{magpsf: 18.0, jd: 2.5}",
                                "{jd: 3.5, magpsf: 17.0}",
                                "{jd: 2.5, magpsf: 18}",
                                "{jd: 4.5, magpsf: null}")),
                new UpdateOptions());

        assertThat(result.getModifiedCount()).isEqualTo(1);
        // Key order and number type count as differences, as in the server's own $addToSet.
        assertThat(embedded.find(Filters.eq("_id", "ZTF20a")).first().getList("prv_candidates", Document.class))
                .hasSize(6);
    }

    @Test
    void addToSetOfStoredValuesModifiesNothing() {
        UpdateResult result = updateBoth(
                Filters.eq("_id", "ZTF20a"),
                Updates.addEachToSet("prv_candidates", docs("{jd: 1.5, magpsf: 19.0}", "{jd: 2.5, magpsf: 18.0}")),
                new UpdateOptions());

        assertThat(result.getMatchedCount()).isEqualTo(1);
        assertThat(result.getModifiedCount()).isZero();
    }

    @Test
    void addToSetUpsertKeepsFieldOrder() {
        Bson update = Updates.combine(
                Updates.addEachToSet("prv_candidates", docs("{jd: 1.0}", "{jd: 1.0}", "{jd: 2.0}")),
                Updates.setOnInsert("cross_matches", new Document("catalog", List.of())),
                Updates.setOnInsert("fp_hists", docs("{jd: 0.5, flux: 1.5}")));

        UpdateResult created = updateBoth(Filters.eq("_id", "ZTF20new"), update, new UpdateOptions().upsert(true));
        UpdateResult updated = updateBoth(Filters.eq("_id", "ZTF20new"), update, new UpdateOptions().upsert(true));

        assertThat(created.getUpsertedId()).isNotNull();
        assertThat(updated.getUpsertedId()).isNull();
        Document stored = embedded.find(Filters.eq("_id", "ZTF20new")).first();
        assertThat(new ArrayList<>(stored.keySet()))
                .containsExactly("_id", "prv_candidates", "cross_matches", "fp_hists");
        assertThat(stored.getList("prv_candidates", Document.class))
                .containsExactlyElementsOf(docs("{jd: 1.0}", "{jd: 2.0}"));
    }

    @Test
    void addToSetOnNullAndNestedValues() {
        updateBoth(
                Filters.eq("_id", "ZTF20b"),
                Updates.addEachToSet(
                        "prv_candidates", docs("{jd: 1.0, tags: [1, [2, 3]]}", "{jd: 1.0, tags: [1, [2, 3]]}")),
                new UpdateOptions());
        updateBoth(
                Filters.eq("_id", "ZTF20c"),
                Updates.addEachToSet("prv_candidates", List.of(1, 1L, 1.0, "1", true, new Document("a", null))),
                new UpdateOptions());
        updateBoth(
                Filters.eq("_id", "ZTF20c"),
                Updates.addEachToSet("prv_candidates", List.of(1, 2)),
                new UpdateOptions());

        assertThat(embedded.find(Filters.eq("_id", "ZTF20c")).first().getList("prv_candidates", Object.class))
                .hasSize(7);
    }

    @Test
    void addToSetOfBinaryValues() {
        Binary first = new Binary(new byte[] {1, 2, 3});
        Binary copy = new Binary(new byte[] {1, 2, 3});
        Binary other = new Binary(new byte[] {4});

        updateBoth(
                Filters.eq("_id", "ZTF20a"),
                Updates.addEachToSet("tags", List.of(first, copy, other)),
                new UpdateOptions());
        updateBoth(
                Filters.eq("_id", "ZTF20a"),
                Updates.addEachToSet("tags", List.of(new Document("b", copy), new Document("b", first))),
                new UpdateOptions());
    }

    @Test
    void addToSetBesideOtherOperators() {
        updateBoth(
                Filters.eq("_id", "ZTF20a"),
                Updates.combine(
                        Updates.set("seen", 2),
                        Updates.addEachToSet("tags", List.of("b", "a", "c")),
                        Updates.addEachToSet("prv_candidates", docs("{jd: 9.5}")),
                        Updates.inc("count", 1)),
                new UpdateOptions());
        // A dotted field stays with the server's own $addToSet, and so do the fields beside it.
        updateBoth(
                Filters.eq("_id", "ZTF20a"),
                Updates.combine(
                        Updates.addEachToSet("tags", List.of("d")), Updates.addEachToSet("nested.list", List.of(1, 1))),
                new UpdateOptions());
    }

    @Test
    void addToSetOnNonArrayFails() {
        Bson update = Updates.addEachToSet("tags", List.of("x"));

        assertThatThrownBy(() -> plain.updateOne(Filters.eq("_id", "ZTF20b"), update))
                .isInstanceOf(MongoException.class);
        assertThatThrownBy(() -> embedded.updateOne(Filters.eq("_id", "ZTF20b"), update))
                .isInstanceOf(MongoException.class)
                .hasMessageContaining("Cannot apply $addToSet to non-array field");
        assertSameDocuments();
    }

    @Test
    void addToSetConflictFails() {
        Bson update =
                Updates.combine(Updates.addEachToSet("tags", List.of("x")), Updates.setOnInsert("tags", List.of()));

        assertThatThrownBy(() -> plain.updateOne(Filters.eq("_id", "ZTF20a"), update))
                .isInstanceOf(MongoException.class);
        assertThatThrownBy(() -> embedded.updateOne(Filters.eq("_id", "ZTF20a"), update))
                .isInstanceOf(MongoException.class);
        assertSameDocuments();
    }

    @Test
    void compareAndSetSelectorWithIndexedConjunct() {
        List<Document> stored = docs("{jd: 1.0, flux: 5}");
        Bson matching = Filters.and(Filters.eq("_id", "ZTF20c"), Filters.eq("fp_hists", stored));
        Bson stale = Filters.and(Filters.eq("_id", "ZTF20c"), Filters.eq("fp_hists", docs("{jd: 7.0}")));
        Bson merged = Updates.set("fp_hists", docs("{jd: 1.0, flux: 5}", "{jd: 2.0, flux: 6}"));

        UpdateResult lost = updateBoth(stale, merged, new UpdateOptions());
        UpdateResult won = updateBoth(matching, merged, new UpdateOptions());

        assertThat(lost.getMatchedCount()).isZero();
        assertThat(won.getMatchedCount()).isEqualTo(1);
        assertThat(embedded.find(Filters.eq("_id", "ZTF20c")).first().getList("fp_hists", Document.class))
                .hasSize(2);
    }

    @Test
    void queriesWithIndexedConjunctMatchScan() {
        List<Function<MongoCollection<Document>, Iterable<Document>>> queries = List.of(
                c -> c.find(Filters.and(Filters.eq("_id", "ZTF20a"), Filters.exists("tags"))),
                c -> c.find(Filters.and(Filters.eq("_id", "ZTF20a"), Filters.exists("missing"))),
                c -> c.find(new Document("_id", "ZTF20b").append("candid", 12)),
                c -> c.find(new Document("candid", new Document("$in", List.of(13, 11, 99))).append("tags", "a")),
                c -> c.find(Filters.and(
                                Filters.in("_id", List.of("ZTF20c", "ZTF20a", "ZTF20b")), Filters.lt("candid", 13)))
                        .sort(Sorts.descending("candid")),
                c -> c.find(Filters.and(
                                Filters.and(Filters.in("_id", List.of("ZTF20c", "ZTF20a", "ZTF20b"))),
                                Filters.gte("candid", 11)))
                        .skip(1)
                        .limit(1),
                c -> c.find(Filters.and(Filters.in("candid", List.of(11, 12)), Filters.exists("prv_candidates")))
                        .projection(new Document("candid", 1)),
                c -> c.find(new Document("_id", "ZTF20a").append("tags", "a")).sort(new Document("$natural", -1)));

        for (Function<MongoCollection<Document>, Iterable<Document>> query : queries) {
            assertThat(json(query.apply(embedded))).isEqualTo(json(query.apply(plain)));
        }
        assertThat(json(queries.get(4).apply(embedded))).hasSize(2);
        assertThat(embedded.countDocuments(Filters.and(Filters.eq("_id", "ZTF20a"), Filters.exists("tags"))))
                .isEqualTo(1);
    }

    @Test
    void deleteWithIndexedConjunct() {
        long deletedNone = embedded.deleteOne(Filters.and(Filters.eq("_id", "ZTF20a"), Filters.eq("candid", 12)))
                .getDeletedCount();
        long deletedOne = embedded.deleteOne(Filters.and(Filters.eq("_id", "ZTF20a"), Filters.eq("candid", 11)))
                .getDeletedCount();
        plain.deleteOne(Filters.eq("_id", "ZTF20a"));

        assertThat(deletedNone).isZero();
        assertThat(deletedOne).isEqualTo(1);
        assertSameDocuments();
    }

    @Test
    void unknownOperatorFailsWithIndexedConjunct() {
        // No document has this _id, but the scan meets the invalid operator at its first document.
        Bson query = Filters.and(new Document("tags", new Document("$bogus", 1)), Filters.eq("_id", "ZTF20x"));

        assertThatThrownBy(() -> plain.find(query).first()).isInstanceOf(MongoException.class);
        assertThatThrownBy(() -> embedded.find(query).first()).isInstanceOf(MongoException.class);
    }
}
