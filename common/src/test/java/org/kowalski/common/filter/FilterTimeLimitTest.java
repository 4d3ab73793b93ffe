package org.kowalski.common.filter;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.common.alert.MongifiedAlert;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedMongoServer;
import org.kowalski.common.skyportal.SurveyProfile;
import org.kowalski.common.skyportal.Thumbnails;
import org.kowalski.common.testing.TestConfigs;
import org.slf4j.LoggerFactory;

/**
 * The per-filter time limit ({@code misc.filter_max_time_ms}) of the filter stage on the embedded store,
 * which keeps running a query past {@code maxTimeMS}: a filter that cannot finish in time is skipped for
 * the alert, logged and counted, while the other filters pass and the alert stays stored.
 */
class FilterTimeLimitTest {

    private static final String FIXTURE = "data/ztf_alerts/20200202/1127561445515015011.avro";
    private static final long LIMIT_MS = 500;

    /**
     * Sums the integers below one million, 10 times, for every alert. The embedded store evaluates each
     * {@code $reduce} step as an expression, so this took 12.9 s on the 2-core test machine under load,
     * far beyond the limit (an idle machine is estimated to need a few seconds). A nested {@code $reduce}
     * fails there ("Document already contains '$this'"), so the outer loop is a {@code $map}.
     */
    private static final String SLOW_PIPELINE = "[{\"$addFields\": {\"busy\": {\"$sum\": {\"$map\": {"
            + "\"input\": {\"$range\": [0, 10]}, \"as\": \"round\","
            + " \"in\": {\"$reduce\": {\"input\": {\"$range\": [0, 1000000]}, \"initialValue\": 0,"
            + " \"in\": {\"$add\": [\"$$value\", \"$$this\"]}}}}}}}}]";

    private static EmbeddedMongoServer server;
    private static MongoClient client;
    private static com.mongodb.reactivestreams.client.MongoClient reactiveClient;
    private static MongoDatabase database;

    @BeforeAll
    static void startStore() {
        server = EmbeddedMongoServer.start(null, 0);
        client = MongoClients.create(server.connectionString());
        reactiveClient = com.mongodb.reactivestreams.client.MongoClients.create(server.connectionString());
        database = client.getDatabase("kowalski");
    }

    @AfterAll
    static void stopStore() {
        reactiveClient.close();
        client.close();
        server.close();
    }

    private static Document filter(int filterId, String pipeline) {
        return new Document("filter_id", filterId)
                .append("group_id", 10 + filterId)
                .append("catalog", "ZTF_alerts")
                .append("permissions", List.of(1, 2, 3))
                .append("active", true)
                .append("active_fid", "v" + filterId)
                .append("autosave", false)
                .append("update_annotations", false)
                .append("fv", List.of(new Document("fid", "v" + filterId).append("pipeline", pipeline)));
    }

    private static double runs(SimpleMeterRegistry meters, int filterId, String outcome) {
        Counter counter = meters.find("kowalski.filter.runs")
                .tag("filter_id", Integer.toString(filterId))
                .tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void slowFilterTimesOutOthersPass() {
        MongifiedAlert sample = SampleAlerts.read(FIXTURE);
        SampleAlerts.store(database, "ZTF", sample, 1);
        KowalskiConfig config = TestConfigs.embedded(Map.of("misc", Map.of("filter_max_time_ms", LIMIT_MS)));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        Logger runnerLog = (Logger) LoggerFactory.getLogger(FilterRunner.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        runnerLog.addAppender(logged);
        try (AlertFilterStage stage = AlertFilterStage.create(
                config,
                reactiveClient.getDatabase("kowalski"),
                SurveyProfile.ZTF,
                meters,
                new Thumbnails(),
                Clock.systemUTC())) {
            // A first run with the quick filters only, so that class loading does not count against the limit.
            database.getCollection("filters").insertOne(filter(1, "[{\"$match\": {}}]"));
            database.getCollection("filters")
                    .insertOne(filter(2, "[{\"$match\": {\"candidate.drb\": {\"$gt\": 0.5}}}]"));
            assertThat(stage.process(List.of(sample.alert())).block().get(sample.candid()))
                    .hasSize(2);

            // The slow filter comes last, so the quick ones have finished when it occupies the store.
            database.getCollection("filters").insertOne(filter(3, SLOW_PIPELINE));
            stage.filters().reload().block();
            Map<Long, List<PassedFilter>> passed =
                    stage.process(List.of(sample.alert())).block();

            assertThat(passed.get(sample.candid()))
                    .extracting(PassedFilter::filterId)
                    .containsExactly(1, 2);
        } finally {
            runnerLog.detachAppender(logged);
        }

        assertThat(runs(meters, 3, "timed_out")).isEqualTo(1);
        assertThat(runs(meters, 3, "passed")).isZero();
        assertThat(runs(meters, 1, "passed")).isEqualTo(2);
        assertThat(runs(meters, 2, "passed")).isEqualTo(2);

        List<String> timeouts = logged.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(message -> message.contains("timed out"))
                .toList();
        assertThat(timeouts).hasSize(1);
        assertThat(timeouts.get(0))
                .contains("filter 3 ")
                .contains("timed out after " + LIMIT_MS + " ms")
                .contains("candid " + sample.candid());

        // The alert stays stored, with the results of the two filters that finished.
        Document stored = database.getCollection("ZTF_alerts")
                .find(new Document("candid", sample.candid()))
                .first();
        assertThat(stored).isNotNull();
        assertThat(stored.getList("passed_filters", Document.class))
                .extracting(entry -> entry.get("filter_id"))
                .containsExactly(1, 2);
    }
}
