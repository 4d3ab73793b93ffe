package org.kowalski.bench.api;

import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.kowalski.api.ApiApplication;
import org.kowalski.bench.BenchConfigs;
import org.kowalski.bench.BenchEnvironment;
import org.kowalski.bench.replay.AlertReplayer;
import org.kowalski.common.alert.AlertContainerReader;
import org.kowalski.common.alert.AlertMongifier;
import org.kowalski.common.alert.AvroDocuments;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The API benchmark: starts the API application on a free port of 127.0.0.1 against the benchmark
 * database and measures {@code find_one} by candid, a 2" {@code cone_search} on the catalog and {@code
 * count_documents} of one object's alerts, each from concurrent clients for a fixed time.
 */
public final class ApiBenchmarks {

    private static final Logger log = LoggerFactory.getLogger(ApiBenchmarks.class);

    /** Minimum number of alerts in the archive during the API benchmark. */
    private static final int MIN_ALERTS = 1000;

    private static final Duration WARM_UP = Duration.ofSeconds(2);

    private ApiBenchmarks() {}

    /** Runs the three queries {@code runs} times each and returns their figures. */
    public static List<ApiResult> run(
            BenchEnvironment environment,
            AlertReplayer replayer,
            String catalog,
            int clients,
            Duration duration,
            int runs)
            throws Exception {
        KowalskiConfig config = environment.configs().build(tree -> {
            BenchConfigs.section(tree, "server").put("port", 0);
        });
        String alertsName = config.collection("alerts_ztf");
        MongoCollection<Document> alerts = environment.database().getCollection(alertsName);
        ensureAlerts(alerts, replayer);
        List<Document> stored = Flux.from(alerts.find()
                        .projection(Projections.include("candid", "objectId"))
                        .limit(10_000))
                .collectList()
                .block();
        List<Document> sources = Flux.from(environment
                        .database()
                        .getCollection(catalog)
                        .find()
                        .projection(Projections.include("ra", "dec"))
                        .limit(10_000))
                .collectList()
                .block();

        ConfigurableApplicationContext context = ApiApplication.start(config);
        try {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            String token = ApiBench.login(
                    port, config.server().adminUsername(), config.server().adminPassword());
            ApiBench bench = new ApiBench(port, token, clients);
            String missing = bench.probe(countDocuments(alertsName, stored, 0));
            if (missing != null) {
                throw new UnavailableException(missing);
            }

            List<ApiResult> results = new ArrayList<>();
            results.add(measure(bench, "find_one by candid", runs, duration, i -> findOne(alertsName, stored, i)));
            results.add(measure(
                    bench, "cone_search, 2\" on " + catalog, runs, duration, i -> coneSearch(catalog, sources, i)));
            results.add(measure(
                    bench,
                    "count_documents of one objectId in " + alertsName,
                    runs,
                    duration,
                    i -> countDocuments(alertsName, stored, i)));
            return results;
        } finally {
            context.close();
        }
    }

    /** Signals that the API of this commit cannot serve the benchmark's queries. */
    public static final class UnavailableException extends Exception {

        public UnavailableException(String message) {
            super(message);
        }
    }

    private static ApiResult measure(
            ApiBench bench, String query, int runs, Duration duration, IntFunction<Document> bodies) throws Exception {
        List<Double> rates = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        long errors = 0;
        for (int i = 0; i < runs; i++) {
            ApiBench.Run run = bench.run(bodies, WARM_UP, duration);
            rates.add(run.requestsPerSecond());
            p50.add(run.p50Ms());
            p99.add(run.p99Ms());
            errors += run.errors();
            log.info(
                    "API {}, run {}: {} requests/s, p50 {} ms, p99 {} ms, {} errors",
                    query,
                    i + 1,
                    Math.round(run.requestsPerSecond()),
                    Math.round(run.p50Ms()),
                    Math.round(run.p99Ms()),
                    run.errors());
        }
        return new ApiResult(query, rates, p50, p99, errors);
    }

    private static Document findOne(String catalog, List<Document> stored, int i) {
        Document alert = stored.get(i % stored.size());
        Document query = new Document("catalog", catalog)
                .append("filter", new Document("candid", alert.get("candid")))
                .append(
                        "projection",
                        new Document("_id", 0)
                                .append("candid", 1)
                                .append("objectId", 1)
                                .append("candidate", 1));
        return new Document("query_type", "find_one").append("query", query);
    }

    private static Document coneSearch(String catalog, List<Document> sources, int i) {
        Document source = sources.get(i % sources.size());
        Document coordinates = new Document("cone_search_radius", 2)
                .append("cone_search_unit", "arcsec")
                .append("radec", new Document("target", List.of(source.get("ra"), source.get("dec"))));
        Document catalogs = new Document(
                catalog,
                new Document("filter", new Document())
                        .append(
                                "projection",
                                new Document("_id", 1).append("ra", 1).append("dec", 1)));
        return new Document("query_type", "cone_search")
                .append("query", new Document("object_coordinates", coordinates).append("catalogs", catalogs));
    }

    private static Document countDocuments(String catalog, List<Document> stored, int i) {
        Document alert = stored.get(i % stored.size());
        Document query =
                new Document("catalog", catalog).append("filter", new Document("objectId", alert.get("objectId")));
        return new Document("query_type", "count_documents").append("query", query);
    }

    /** Inserts replayed alerts when the archive contains fewer than {@value #MIN_ALERTS}. */
    private static void ensureAlerts(MongoCollection<Document> alerts, AlertReplayer replayer) {
        long count = Mono.from(alerts.countDocuments()).block();
        if (count >= MIN_ALERTS) {
            return;
        }
        AlertContainerReader reader = new AlertContainerReader();
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < Math.min(MIN_ALERTS, replayer.alerts()); i++) {
            for (GenericRecord record : reader.read(replayer.encode(i)).records()) {
                documents.add(AlertMongifier.mongify(AvroDocuments.toDocument(record), "objectId")
                        .alert());
            }
            if (documents.size() >= 100) {
                insert(alerts, documents);
            }
        }
        insert(alerts, documents);
    }

    private static void insert(MongoCollection<Document> alerts, List<Document> documents) {
        if (documents.isEmpty()) {
            return;
        }
        try {
            Mono.from(alerts.insertMany(documents, new InsertManyOptions().ordered(false)))
                    .block();
        } catch (RuntimeException e) {
            // Alerts already stored by a broker run are duplicates of the unique candid index.
            log.debug("Inserting alerts for the API benchmark: {}", e.toString());
        }
        documents.clear();
    }
}
