package org.kowalski.common.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregations on the embedded store give MongoDB's results and never change stored documents, whatever
 * the pipeline does to its copies.
 */
class EmbeddedStoreAggregationTest {

    private static final String ALERT =
            "{_id: 1, candid: {$numberLong: '1127561444715015009'}, objectId: 'ZTF20aaelulu',"
                    + " candidate: {drb: 0.9, magpsf: 18.5}, classifications: {braai: 0.7}}";

    @TempDir
    static Path dir;

    private static EmbeddedMongoServer server;
    private static MongoClient client;
    private static MongoDatabase database;

    @BeforeAll
    static void start() {
        server = EmbeddedMongoServer.start(dir.resolve("store/kowalski.mv.db"), 0);
        client = MongoClients.create(server.connectionString());
        database = client.getDatabase("kowalski");
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @BeforeEach
    void fill() {
        MongoCollection<Document> alerts = database.getCollection("alerts");
        alerts.drop();
        alerts.insertOne(Document.parse(ALERT));
        MongoCollection<Document> aux = database.getCollection("aux");
        aux.drop();
        aux.insertOne(Document.parse("{_id: 'ZTF20aaelulu', prv_candidates: [{jd: 1.5, magpsf: 19.0}]}"));
    }

    private static List<Document> aggregate(String collection, String pipeline) {
        List<Document> stages = new ArrayList<>();
        for (Object stage : Document.parse("{p: " + pipeline + "}").getList("p", Object.class)) {
            stages.add((Document) stage);
        }
        return database.getCollection(collection).aggregate(stages).into(new ArrayList<>());
    }

    private static Document stored(String collection) {
        return database.getCollection(collection).find().first();
    }

    @Test
    void mergeObjectsLeavesStoredDocumentUnchanged() {
        List<Document> out =
                aggregate("alerts", "[{$addFields: {candidate: {$mergeObjects: ['$candidate', {added: 1}]}}}]");

        assertThat(out.get(0).get("candidate", Document.class))
                .containsEntry("added", 1)
                .containsEntry("drb", 0.9);
        assertThat(stored("alerts")).isEqualTo(Document.parse(ALERT));
    }

    @Test
    void addFieldsMergesIntoCopyOnly() {
        List<Document> out = aggregate("alerts", "[{$addFields: {classifications: {acai_h: 0.2}}}]");

        assertThat(out.get(0).get("classifications", Document.class))
                .isEqualTo(Document.parse("{braai: 0.7, acai_h: 0.2}"));
        assertThat(stored("alerts")).isEqualTo(Document.parse(ALERT));
    }

    @Test
    void dottedNameInAddFieldsSetsNestedField() {
        List<Document> out = aggregate(
                "alerts", "[{$addFields: {'candidate.extra': 3, 'candidate.copy': '$candidate.magpsf', flag: true}}]");

        Document alert = out.get(0);
        assertThat(alert.keySet()).containsExactly("_id", "candid", "objectId", "candidate", "classifications", "flag");
        assertThat(alert.get("candidate", Document.class))
                .isEqualTo(Document.parse("{drb: 0.9, magpsf: 18.5, extra: 3, copy: 18.5}"));
        assertThat(stored("alerts")).isEqualTo(Document.parse(ALERT));
    }

    @Test
    void setAndReplaceWithRunAsTheirAliases() {
        List<Document> set =
                aggregate("alerts", "[{$set: {'candidate.drb': 0.1}}, {$project: {_id: 0, candidate: 1}}]");
        assertThat(set).containsExactly(Document.parse("{candidate: {drb: 0.1, magpsf: 18.5}}"));

        List<Document> replaced = aggregate("alerts", "[{$replaceWith: '$candidate'}]");
        assertThat(replaced).containsExactly(Document.parse("{drb: 0.9, magpsf: 18.5}"));

        List<Document> faceted = aggregate(
                "alerts",
                "[{$facet: {scores: [{$set: {'classifications.x': 1}}, {$replaceWith: '$classifications'}]}}]");
        assertThat(faceted.get(0).getList("scores", Document.class))
                .containsExactly(Document.parse("{braai: 0.7, x: 1}"));
        assertThat(stored("alerts")).isEqualTo(Document.parse(ALERT));
    }

    @Test
    void lookedUpDocumentsAreCopies() {
        List<Document> out = aggregate(
                "alerts",
                "[{$lookup: {from: 'aux', localField: 'objectId', foreignField: '_id', as: 'aux'}},"
                        + " {$addFields: {aux0: {$arrayElemAt: ['$aux', 0]}}},"
                        + " {$addFields: {aux0: {$mergeObjects: ['$aux0', {seen: true}]}}},"
                        + " {$project: {_id: 0, aux0: 1}}]");

        assertThat(out.get(0).get("aux0", Document.class)).containsEntry("seen", true);
        assertThat(stored("aux"))
                .isEqualTo(Document.parse("{_id: 'ZTF20aaelulu', prv_candidates: [{jd: 1.5, magpsf: 19.0}]}"));
    }

    @Test
    void firstMatchSameWithUniqueIndex() {
        MongoCollection<Document> indexed = database.getCollection("indexed");
        MongoCollection<Document> plain = database.getCollection("plain");
        indexed.drop();
        plain.drop();
        indexed.createIndex(new Document("candid", 1), new IndexOptions().unique(true));
        List<Document> documents = new ArrayList<>();
        for (long candid = 1; candid <= 200; candid++) {
            documents.add(new Document("candid", candid)
                    .append("candidate", new Document("drb", (candid % 10) / 10.0).append("programid", (int)
                                    (candid % 3))));
        }
        indexed.insertMany(documents);
        plain.insertMany(documents.stream().map(Document::new).toList());

        List<String> pipelines = List.of(
                "[{$match: {candid: 17}}]",
                "[{$match: {candid: {$in: [3, 17, 150, 999]}}}, {$project: {_id: 0}}]",
                "[{$match: {candid: {$in: [3, 17, 150]}, 'candidate.drb': {$gt: 0.5}}}, {$project: {_id: 0}}]",
                "[{$match: {'candidate.programid': {$in: [1, 2]}, candid: {$lte: 20}}}, {$count: 'n'}]",
                "[{$match: {$or: [{candid: 5}, {candid: 6}]}}, {$project: {_id: 0, candid: 1}}]",
                "[{$project: {_id: 0, candid: 1}}, {$match: {candid: 9}}]");
        for (String pipeline : pipelines) {
            List<Document> fromIndexed = aggregate("indexed", pipeline);
            List<Document> fromPlain = aggregate("plain", pipeline);
            for (Document document : fromIndexed) {
                document.remove("_id");
            }
            for (Document document : fromPlain) {
                document.remove("_id");
            }
            assertThat(fromIndexed).as(pipeline).isEqualTo(fromPlain).isNotEmpty();
        }
        assertThat(aggregate("indexed", "[{$match: {candid: {$in: [3, 17, 150]}, 'candidate.drb': {$gt: 0.5}}}]"))
                .extracting(document -> document.getLong("candid"))
                .containsExactly(17L);
    }
}
