package org.kowalski.common.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.time.Duration;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedMongoServer;
import org.kowalski.common.testing.TestConfigs;

class ActiveFiltersTest {

    private static final KowalskiConfig CONFIG = TestConfigs.embedded();

    private static Document filter(int filterId, String fid, String pipeline) {
        return new Document("filter_id", filterId)
                .append("group_id", 7)
                .append("catalog", "ZTF_alerts")
                .append("permissions", List.of(1, 2))
                .append("active", true)
                .append("active_fid", fid)
                .append("fv", List.of(new Document("fid", fid).append("pipeline", pipeline)));
    }

    @Test
    void brokenFiltersSkippedOthersLoad() {
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(null, 0);
                MongoClient client = MongoClients.create(server.connectionString());
                var reactive = com.mongodb.reactivestreams.client.MongoClients.create(server.connectionString())) {
            MongoCollection<Document> filters = client.getDatabase("kowalski").getCollection("filters");
            filters.insertOne(filter(1, "aaaaaa", "[{\"$match\": {\"candidate.drb\": {\"$gt\": 0.5}}}]"));
            filters.insertOne(filter(2, "bbbbbb", "[{\"$match\": "));
            filters.insertOne(filter(3, "cccccc", "[{\"$lookup\": {\"from\": \"users\", \"as\": \"u\"}}]"));
            filters.insertOne(filter(4, "dddddd", "[{\"$match\": {}}]").append("active_fid", "zzzzzz"));
            filters.insertOne(filter(5, "eeeeee", "[{\"$match\": {}}]").append("catalog", "PGIR_alerts"));
            filters.insertOne(
                    filter(
                            6,
                            "ffffff",
                            "[{\"$graphLookup\": {\"from\": \"users\", \"startWith\":"
                                    + " \"$objectId\", \"connectFromField\": \"_id\", \"connectToField\": \"_id\", \"as\": \"u\"}}]"));
            ActiveFilters active = new ActiveFilters(
                    reactive.getDatabase("kowalski").getCollection("filters"),
                    FilterPipelines.upstream(CONFIG, "ZTF_alerts"),
                    CONFIG.systemCollections(),
                    "ZTF_alerts",
                    Duration.ofSeconds(5));

            List<ActiveFilter> loaded = active.reload().block();

            assertThat(loaded).extracting(ActiveFilter::filterId).containsExactly(1);
            ActiveFilter first = loaded.get(0);
            assertThat(first.fid()).isEqualTo("aaaaaa");
            assertThat(first.permissions()).containsExactly(1, 2);
            assertThat(first.pipeline().stages()).hasSize(5);
            assertThat(first.autosave()).isEqualTo(false);
        }
    }

    @Test
    void changesPickedUpByChecks() throws InterruptedException {
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(null, 0);
                MongoClient client = MongoClients.create(server.connectionString());
                var reactive = com.mongodb.reactivestreams.client.MongoClients.create(server.connectionString())) {
            MongoCollection<Document> filters = client.getDatabase("kowalski").getCollection("filters");
            filters.insertOne(filter(1, "aaaaaa", "[{\"$match\": {}}]"));
            try (ActiveFilters active = new ActiveFilters(
                    reactive.getDatabase("kowalski").getCollection("filters"),
                    FilterPipelines.upstream(CONFIG, "ZTF_alerts"),
                    CONFIG.systemCollections(),
                    "ZTF_alerts",
                    Duration.ofMillis(100))) {
                List<ActiveFilter> before = active.reload().block();

                // An unchanged collection keeps the loaded filters.
                assertThat(active.refresh().block()).isSameAs(before);

                // A new version, as the API adds one: pushed to fv and made active.
                filters.updateOne(
                        new Document("filter_id", 1),
                        new Document(
                                        "$push",
                                        new Document(
                                                "fv",
                                                new Document("fid", "bbbbbb")
                                                        .append(
                                                                "pipeline",
                                                                "[{\"$match\": {\"candid\": {\"$gt\": 0}}}]")))
                                .append("$set", new Document("active_fid", "bbbbbb")));
                active.start();
                waitFor(() -> !active.current().isEmpty()
                        && active.current().get(0).fid().equals("bbbbbb"));
                assertThat(active.current().get(0).fid()).isEqualTo("bbbbbb");

                filters.updateOne(new Document("filter_id", 1), new Document("$set", new Document("active", false)));
                waitFor(() -> active.current().isEmpty());
                assertThat(active.current()).isEmpty();
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
