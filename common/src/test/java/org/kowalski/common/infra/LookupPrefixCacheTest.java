package org.kowalski.common.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Aggregations that share their leading {@code $match}, {@code $lookup} and {@code $project}, as the user
 * filters of one batch do, give the results of a plain mongo-java-server H2 store, also when a later stage
 * changes its input in place and when a write comes between two aggregations. Writes of documents that
 * the leading stages did not read leave their kept output in use.
 */
class LookupPrefixCacheTest {

    /** The shape of the filters' upstream stages: batch candids, aux join, history filtered in $project. */
    private static final String UPSTREAM =
            "{$match: {candid: {$in: [11, 12, 13, 14]}, 'candidate.programid': {$in: [1, 2]}}},"
                    + " {$project: {cutoutScience: 0}},"
                    + " {$lookup: {from: 'aux', localField: 'objectId', foreignField: '_id', as: 'aux'}},"
                    + " {$project: {objectId: 1, candid: 1, candidate: 1,"
                    + " cross_matches: {$arrayElemAt: ['$aux.cross_matches', 0]},"
                    + " prv_candidates: {$filter: {input: {$arrayElemAt: [{$map: {input: '$aux', as: 'a',"
                    + " in: '$$a.prv_candidates'}}, 0]}, as: 'item', cond: {$and: [{$in: ['$$item.programid', [1, 2]]},"
                    + " {$lt: [{$subtract: ['$candidate.jd', '$$item.jd']}, 365]}]}}}}}";

    private static MongoServer embeddedServer;
    private static EmbeddedStoreBackend embeddedBackend;
    private static MongoServer plainServer;
    private static MongoClient embeddedClient;
    private static MongoClient plainClient;
    private static MongoDatabase embedded;
    private static MongoDatabase plain;

    @BeforeAll
    static void start() {
        embeddedBackend = new EmbeddedStoreBackend(MVStore.open(null));
        embeddedServer = new MongoServer(embeddedBackend);
        embeddedServer.bind("127.0.0.1", 0);
        embeddedClient = MongoClients.create(
                "mongodb://127.0.0.1:" + embeddedServer.getLocalAddress().getPort());
        plainServer = new MongoServer(H2Backend.inMemory());
        plainServer.bind("127.0.0.1", 0);
        InetSocketAddress address = plainServer.getLocalAddress();
        plainClient = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        embedded = embeddedClient.getDatabase("kowalski");
        plain = plainClient.getDatabase("kowalski");
    }

    @AfterAll
    static void stop() {
        embeddedClient.close();
        embeddedServer.shutdownNow();
        plainClient.close();
        plainServer.shutdownNow();
    }

    @BeforeEach
    void fill() {
        for (MongoDatabase database : List.of(embedded, plain)) {
            database.getCollection("alerts").drop();
            database.getCollection("aux").drop();
            database.getCollection("alerts").createIndex(new Document("candid", 1), new IndexOptions().unique(true));
            database.getCollection("alerts")
                    .insertMany(List.of(
                            Document.parse("{_id: 1, candid: 11, objectId: 'ZTF20a', cutoutScience: 'x',"
                                    + " candidate: {jd: 400.5, programid: 1, magpsf: 18.5, drb: 0.9}}"),
                            Document.parse("{_id: 2, candid: 12, objectId: 'ZTF20b',"
                                    + " candidate: {jd: 100.5, programid: 2, magpsf: 19.5, drb: 0.4}}"),
                            Document.parse("{_id: 3, candid: 13, objectId: 'ZTF20a',"
                                    + " candidate: {jd: 401.5, programid: 3, magpsf: 17.5, drb: 0.8}}")));
            database.getCollection("aux")
                    .insertMany(List.of(
                            Document.parse(
                                    "{_id: 'ZTF20a', cross_matches: {CLU: [{name: 'g1'}]},"
                                            + " prv_candidates: [{jd: 1.5, programid: 1, magpsf: 19.0},"
                                            + " {jd: 300.5, programid: 1, magpsf: 18.9}, {jd: 350.5, programid: 3, magpsf: 18.1}]}"),
                            Document.parse(
                                    "{_id: 'ZTF20b', cross_matches: {}, prv_candidates: [{jd: 99.5, programid: 2}]}")));
        }
    }

    private static List<Document> aggregate(MongoDatabase database, String userStages) {
        String pipeline = userStages.isEmpty() ? "[" + UPSTREAM + "]" : "[" + UPSTREAM + ", " + userStages + "]";
        List<Document> stages = new ArrayList<>();
        for (Object stage : Document.parse("{p: " + pipeline + "}").getList("p", Object.class)) {
            stages.add((Document) stage);
        }
        return database.getCollection("alerts").aggregate(stages).into(new ArrayList<>());
    }

    private static void assertSameResults(String userStages) {
        assertThat(aggregate(embedded, userStages)).isEqualTo(aggregate(plain, userStages));
    }

    @Test
    void filtersSharingUpstreamMatchPlainStore() {
        long hitsBefore = embeddedBackend.keptPrefixHits();

        assertSameResults("");
        assertSameResults("{$match: {'candidate.drb': {$gt: 0.5}}}, {$project: {_id: 0, candid: 1}}");
        assertSameResults("{$addFields: {n_prv: {$size: {$ifNull: ['$prv_candidates', []]}}}},"
                + " {$match: {n_prv: {$gte: 1}}}, {$project: {_id: 0, candid: 1, n_prv: 1}}");

        assertThat(aggregate(embedded, "{$project: {_id: 0, candid: 1}}"))
                .containsExactly(Document.parse("{candid: 11}"), Document.parse("{candid: 12}"));
        assertThat(embeddedBackend.keptPrefixHits() - hitsBefore).isGreaterThanOrEqualTo(3);
    }

    @Test
    void inPlaceChangeLeavesKeptOutputUnchanged() {
        // On the plain store these stages change its stored documents, so they run on the embedded one only.
        String merging = "{$addFields: {candidate: {$mergeObjects: ['$candidate', {added: 1}]},"
                + " cross_matches: {extra: true}}}";
        long hitsBefore = embeddedBackend.keptPrefixHits();

        List<Document> first = aggregate(embedded, merging);
        List<Document> second = aggregate(embedded, merging);
        List<Document> upstream = aggregate(embedded, "");

        assertThat(second).isEqualTo(first);
        assertThat(first.get(0).get("candidate", Document.class)).containsEntry("added", 1);
        assertThat(first.get(0).get("cross_matches", Document.class)).containsEntry("extra", true);
        assertThat(upstream).isEqualTo(aggregate(plain, ""));
        assertThat(upstream.get(0).get("candidate", Document.class)).doesNotContainKey("added");
        assertThat(upstream.get(0).get("cross_matches", Document.class)).doesNotContainKey("extra");
        assertThat(embeddedBackend.keptPrefixHits() - hitsBefore).isEqualTo(2);
    }

    @Test
    void writeBetweenAggregationsIsSeen() {
        assertSameResults("");
        for (MongoDatabase database : List.of(embedded, plain)) {
            database.getCollection("aux")
                    .updateOne(
                            Filters.eq("_id", "ZTF20b"),
                            Updates.push("prv_candidates", Document.parse("{jd: 100.0, programid: 1}")));
            database.getCollection("alerts").updateOne(Filters.eq("candid", 11), Updates.set("candidate.magpsf", 15.0));
        }

        List<Document> after = aggregate(embedded, "");

        assertThat(after).isEqualTo(aggregate(plain, ""));
        assertThat(after.get(0).get("candidate", Document.class)).containsEntry("magpsf", 15.0);
        assertThat(after.get(1).getList("prv_candidates", Document.class)).hasSize(2);
    }

    @Test
    void unrelatedWritesKeepOutput() {
        for (MongoDatabase database : List.of(embedded, plain)) {
            database.getCollection("other").insertOne(new Document("candid", 12));
        }
        assertSameResults("");
        long computationsBefore = embeddedBackend.keptPrefixComputations();

        for (MongoDatabase database : List.of(embedded, plain)) {
            database.getCollection("alerts")
                    .insertOne(Document.parse(
                            "{_id: 4, candid: 15, objectId: 'ZTF20c', candidate: {jd: 5.5, programid: 1}}"));
            database.getCollection("aux").insertOne(Document.parse("{_id: 'ZTF20c', prv_candidates: []}"));
            database.getCollection("aux")
                    .updateOne(Filters.eq("_id", "ZTF20c"), Updates.set("cross_matches", new Document()));
            database.getCollection("alerts").updateOne(Filters.eq("candid", 15), Updates.set("candidate.magpsf", 1.0));
            database.getCollection("other").insertOne(new Document("candid", 11));
        }
        assertSameResults("{$match: {'candidate.drb': {$gt: 0.5}}}");
        assertSameResults("");

        assertThat(embeddedBackend.keptPrefixComputations()).isEqualTo(computationsBefore);
    }

    @Test
    void relatedInsertAndDeleteAreSeen() {
        assertSameResults("");
        long computationsBefore = embeddedBackend.keptPrefixComputations();

        for (MongoDatabase database : List.of(embedded, plain)) {
            database.getCollection("alerts")
                    .insertOne(Document.parse(
                            "{_id: 5, candid: 14, objectId: 'ZTF20b', candidate: {jd: 101.5, programid: 1}}"));
        }
        List<Document> inserted = aggregate(embedded, "");
        assertThat(inserted).isEqualTo(aggregate(plain, ""));
        assertThat(inserted).extracting(document -> document.get("candid")).containsExactly(11, 12, 14);

        for (MongoDatabase database : List.of(embedded, plain)) {
            database.getCollection("aux").deleteOne(Filters.eq("_id", "ZTF20a"));
        }
        List<Document> deleted = aggregate(embedded, "");
        assertThat(deleted).isEqualTo(aggregate(plain, ""));
        assertThat(deleted.get(0)).containsEntry("prv_candidates", null);

        assertThat(embeddedBackend.keptPrefixComputations() - computationsBefore)
                .isEqualTo(2);
    }

    @Test
    void readOnlyFiltersShareOneComputation() {
        long computationsBefore = embeddedBackend.keptPrefixComputations();
        long hitsBefore = embeddedBackend.keptPrefixHits();

        // The batch tag and the history length are set on fields that hold no document.
        assertSameResults("{$addFields: {tag: '$candid'}}, {$match: {'candidate.magpsf': {$lt: 19}}},"
                + " {$project: {_id: 0, tag: 1, 'candidate.magpsf': 1}}");
        assertSameResults("{$addFields: {n_prv: {$size: {$ifNull: ['$prv_candidates', []]}}}},"
                + " {$match: {n_prv: {$gte: 1}}}, {$project: {_id: 0, candid: 1, n_prv: 1}}");
        assertSameResults("{$unwind: '$prv_candidates'}, {$project: {candid: 1, jd: '$prv_candidates.jd'}}");
        // This $addFields merges a document into the embedded candidate, so it runs on deep copies.
        List<Document> merged = aggregate(embedded, "{$addFields: {candidate: '$cross_matches'}}");
        List<Document> upstream = aggregate(embedded, "");

        assertThat(merged.get(0).get("candidate", Document.class)).containsKey("CLU");
        assertThat(upstream).isEqualTo(aggregate(plain, ""));
        assertThat(upstream.get(0).get("candidate", Document.class)).doesNotContainKey("CLU");
        assertThat(embeddedBackend.keptPrefixComputations() - computationsBefore)
                .isEqualTo(1);
        assertThat(embeddedBackend.keptPrefixHits() - hitsBefore).isEqualTo(4);
    }

    @Test
    void prefixEndsAfterStageFollowingLookup() {
        de.bwaldvogel.mongo.bson.Document lookup = new de.bwaldvogel.mongo.bson.Document("from", "aux")
                .append("localField", "objectId")
                .append("foreignField", "_id")
                .append("as", "aux");
        List<Object> pipeline = new ArrayList<>(List.of(
                serverStage("$match", new de.bwaldvogel.mongo.bson.Document()),
                serverStage("$lookup", lookup),
                serverStage("$project", new de.bwaldvogel.mongo.bson.Document()),
                serverStage("$match", new de.bwaldvogel.mongo.bson.Document())));

        assertThat(LookupPrefixCache.prefixLength(pipeline)).isEqualTo(3);
        assertThat(LookupPrefixCache.prefixLength(pipeline.subList(0, 2))).isEqualTo(2);
        assertThat(LookupPrefixCache.prefixLength(List.of(pipeline.get(0)))).isZero();
        pipeline.add(serverStage("$out", "copy"));
        assertThat(LookupPrefixCache.prefixLength(pipeline)).isZero();
    }

    private static de.bwaldvogel.mongo.bson.Document serverStage(String operator, Object argument) {
        return new de.bwaldvogel.mongo.bson.Document(operator, argument);
    }
}
