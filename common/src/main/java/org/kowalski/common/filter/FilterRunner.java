package org.kowalski.common.filter;

import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bson.Document;
import org.kowalski.common.mongo.StoreOutages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs user filters on stored alerts with the original's semantics: an alert passes a filter when the
 * pipeline returns exactly one document for it. The autosave and follow-up pipelines then run on the
 * alerts that passed.
 *
 * <p>Each pipeline runs once per batch of alerts when {@link CompiledPipeline#batchable()}, with the same
 * per-alert results as one run per alert; a batch run that fails or times out is repeated alert by alert,
 * so one bad alert or a slow batch costs no other alert its result. Each alert has {@code maxTimePerAlert}
 * per pipeline, sent as {@code maxTimeMS} and also enforced on the reply, because the embedded store
 * ignores {@code maxTimeMS}. A filter that times out or fails on an alert is logged with the filter and
 * alert ids, counted in {@code kowalski.filter.runs}, and skipped for that alert; nothing is retried,
 * because a pipeline error repeats. Only a store outage fails the returned Mono.
 */
public final class FilterRunner {

    private static final Logger log = LoggerFactory.getLogger(FilterRunner.class);

    /** Filters that run at the same time on one batch. */
    private static final int FILTER_CONCURRENCY = 2;

    private final MongoCollection<Document> alerts;
    private final String survey;
    private final Duration maxTimePerAlert;
    private final MeterRegistry meters;
    private final Clock clock;

    /**
     * @param alerts the survey's alerts collection, which the pipelines aggregate
     * @param survey the survey code, a tag of the metrics and a field of the log lines
     * @param maxTimePerAlert the time limit of one pipeline on one alert
     */
    public FilterRunner(
            MongoCollection<Document> alerts,
            String survey,
            Duration maxTimePerAlert,
            MeterRegistry meters,
            Clock clock) {
        this.alerts = alerts;
        this.survey = survey;
        this.maxTimePerAlert = maxTimePerAlert;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * Runs every filter on every alert.
     *
     * @param objectIdsByCandid the alerts to filter, by candid, with their object ids (used in follow-up
     *     requests)
     * @return the passed filters of each candid, in filter order; every candid is a key
     */
    public Mono<Map<Long, List<PassedFilter>>> run(List<ActiveFilter> filters, Map<Long, String> objectIdsByCandid) {
        List<Long> candids = List.copyOf(objectIdsByCandid.keySet());
        if (filters.isEmpty() || candids.isEmpty()) {
            Map<Long, List<PassedFilter>> none = new LinkedHashMap<>();
            candids.forEach(candid -> none.put(candid, List.of()));
            return Mono.just(none);
        }
        return Flux.fromIterable(filters)
                .flatMapSequential(filter -> runFilter(filter, candids, objectIdsByCandid), FILTER_CONCURRENCY)
                .collectList()
                .map(perFilter -> {
                    Map<Long, List<PassedFilter>> passed = new LinkedHashMap<>();
                    candids.forEach(candid -> passed.put(candid, new ArrayList<>()));
                    for (Map<Long, PassedFilter> results : perFilter) {
                        results.forEach((candid, result) -> passed.get(candid).add(result));
                    }
                    return passed;
                });
    }

    private Mono<Map<Long, PassedFilter>> runFilter(
            ActiveFilter filter, List<Long> candids, Map<Long, String> objectIdsByCandid) {
        Instant now = clock.instant();
        return execute(filter, "pipeline", filter.pipeline(), candids).flatMap(main -> {
            Map<Long, Document> passing = new LinkedHashMap<>();
            for (Long candid : candids) {
                Outcome outcome = main.get(candid);
                count(
                        filter,
                        outcome.status() == Status.OK && outcome.documents().size() == 1
                                ? "passed"
                                : outcome.status() == Status.OK ? "rejected" : outcome.status().tag);
                if (outcome.status() == Status.OK && outcome.documents().size() == 1) {
                    passing.put(candid, outcome.documents().get(0));
                }
            }
            if (passing.isEmpty()) {
                return Mono.just(Map.<Long, PassedFilter>of());
            }
            return resolveAutosave(filter, List.copyOf(passing.keySet()))
                    .flatMap(autosaves -> resolveFollowups(filter, passing.keySet(), autosaves, objectIdsByCandid, now)
                            .map(followups -> {
                                Map<Long, PassedFilter> results = new LinkedHashMap<>();
                                passing.forEach((candid, data) -> results.put(
                                        candid,
                                        new PassedFilter(
                                                filter.filterId(),
                                                filter.groupId(),
                                                filter.fid(),
                                                filter.permissions(),
                                                filter.updateAnnotations(),
                                                data,
                                                autosaves.get(candid),
                                                followups.get(candid),
                                                now)));
                                return results;
                            }));
        });
    }

    /** Returns each candid's autosave: the boolean, the document, or no entry when its pipeline did not pass. */
    private Mono<Map<Long, Object>> resolveAutosave(ActiveFilter filter, List<Long> candids) {
        Map<Long, Object> autosaves = new LinkedHashMap<>();
        Document settings = filter.autosaveDocument();
        if (settings == null || !Boolean.TRUE.equals(settings.get("active"))) {
            Object value = Boolean.TRUE.equals(filter.autosave()) ? Boolean.TRUE : Boolean.FALSE;
            candids.forEach(candid -> autosaves.put(candid, value));
            return Mono.just(autosaves);
        }
        Document resolved = new Document("comment", settings.get("comment"))
                .append("ignore_group_ids", settings.get("ignore_group_ids") instanceof List<?> ids ? ids : List.of());
        if (settings.get("saver_id") instanceof Integer || settings.get("saver_id") instanceof Long) {
            resolved.append("saver_id", settings.get("saver_id"));
        }
        if (filter.autosavePipeline() == null) {
            candids.forEach(candid -> autosaves.put(candid, resolved));
            return Mono.just(autosaves);
        }
        return execute(filter, "autosave.pipeline", filter.autosavePipeline(), candids)
                .map(outcomes -> {
                    outcomes.forEach((candid, outcome) -> {
                        if (outcome.status() == Status.OK && outcome.documents().size() == 1) {
                            autosaves.put(candid, resolved);
                        }
                    });
                    return autosaves;
                });
    }

    private Mono<Map<Long, Document>> resolveFollowups(
            ActiveFilter filter,
            Set<Long> candids,
            Map<Long, Object> autosaves,
            Map<Long, String> objectIdsByCandid,
            Instant now) {
        Document followup = filter.autoFollowup();
        if (followup == null || !Boolean.TRUE.equals(followup.get("active"))) {
            return Mono.just(Map.of());
        }
        List<Long> eligible = candids.stream()
                .filter(candid -> {
                    Object autosave = autosaves.get(candid);
                    return Boolean.TRUE.equals(autosave) || autosave instanceof Document;
                })
                .toList();
        if (eligible.isEmpty()) {
            return Mono.just(Map.of());
        }
        AutoFollowupRules.Settings settings;
        try {
            if (filter.autoFollowupPipeline() == null) {
                throw new InvalidFilterException("Filter " + filter.filterId()
                        + " auto_followup has no pipeline: set auto_followup.pipeline, for example"
                        + " [{\"$match\": {}}]");
            }
            settings = AutoFollowupRules.settings(followup, filter.filterId());
        } catch (InvalidFilterException e) {
            log.warn(
                    "{}: follow-up of filter {} skipped for candids {}, the filter still passed: {}",
                    survey,
                    filter.filterId(),
                    eligible,
                    e.getMessage());
            return Mono.just(Map.of());
        }
        return execute(filter, "auto_followup.pipeline", filter.autoFollowupPipeline(), eligible)
                .map(outcomes -> {
                    Map<Long, Document> requests = new LinkedHashMap<>();
                    outcomes.forEach((candid, outcome) -> {
                        if (outcome.status() == Status.OK && outcome.documents().size() == 1) {
                            requests.put(
                                    candid,
                                    AutoFollowupRules.request(
                                            settings,
                                            filter.groupId(),
                                            objectIdsByCandid.get(candid),
                                            outcome.documents().get(0),
                                            autosaves.get(candid),
                                            now));
                        }
                    });
                    return requests;
                });
    }

    /** Runs one pipeline on the candids, as a batch when possible, and returns each candid's outcome. */
    private Mono<Map<Long, Outcome>> execute(
            ActiveFilter filter, String which, CompiledPipeline pipeline, List<Long> candids) {
        if (candids.size() > 1 && pipeline.batchable()) {
            return executeBatch(pipeline, candids).onErrorResume(error -> !isStoreOutage(error), error -> {
                log.debug(
                        "{}: batch run of filter {} {} on {} alerts failed ({}), running them one by one",
                        survey,
                        filter.filterId(),
                        which,
                        candids.size(),
                        error.toString());
                return executeEach(filter, which, pipeline, candids);
            });
        }
        return executeEach(filter, which, pipeline, candids);
    }

    private Mono<Map<Long, Outcome>> executeBatch(CompiledPipeline pipeline, List<Long> candids) {
        Duration limit = maxTimePerAlert.multipliedBy(candids.size());
        return Flux.from(alerts.aggregate(pipeline.forCandids(candids))
                        .allowDiskUse(false)
                        .maxTime(limit.toMillis(), TimeUnit.MILLISECONDS))
                .collectList()
                .timeout(limit)
                .map(documents -> {
                    Map<Long, List<Document>> byCandid = new LinkedHashMap<>();
                    candids.forEach(candid -> byCandid.put(candid, new ArrayList<>()));
                    for (Document document : documents) {
                        Object tag = document.remove(CompiledPipeline.BATCH_CANDID_FIELD);
                        List<Document> bucket = tag instanceof Number number ? byCandid.get(number.longValue()) : null;
                        if (bucket == null) {
                            throw new IllegalStateException("A batch output document lost its alert id");
                        }
                        bucket.add(document);
                    }
                    Map<Long, Outcome> outcomes = new LinkedHashMap<>();
                    byCandid.forEach((candid, found) -> outcomes.put(candid, Outcome.ok(found)));
                    return outcomes;
                });
    }

    private Mono<Map<Long, Outcome>> executeEach(
            ActiveFilter filter, String which, CompiledPipeline pipeline, List<Long> candids) {
        return Flux.fromIterable(candids)
                .concatMap(candid ->
                        executeOne(filter, which, pipeline, candid).map(outcome -> Map.entry(candid, outcome)))
                .collectList()
                .map(entries -> {
                    Map<Long, Outcome> outcomes = new LinkedHashMap<>();
                    entries.forEach(entry -> outcomes.put(entry.getKey(), entry.getValue()));
                    return outcomes;
                });
    }

    private Mono<Outcome> executeOne(ActiveFilter filter, String which, CompiledPipeline pipeline, long candid) {
        return Flux.from(alerts.aggregate(pipeline.forCandid(candid))
                        .allowDiskUse(false)
                        .maxTime(maxTimePerAlert.toMillis(), TimeUnit.MILLISECONDS))
                .collectList()
                .timeout(maxTimePerAlert)
                .map(Outcome::ok)
                .onErrorResume(error -> !isStoreOutage(error), error -> {
                    boolean timedOut = isTimeout(error);
                    log.warn(
                            "{}: filter {} (group {}, version {}) {} {} on candid {}: {}",
                            survey,
                            filter.filterId(),
                            filter.groupId(),
                            filter.fid(),
                            which,
                            timedOut ? "timed out after " + maxTimePerAlert.toMillis() + " ms" : "failed",
                            candid,
                            timedOut ? "the alert stays stored, without this filter's result" : error.toString());
                    return Mono.just(timedOut ? Outcome.TIMED_OUT : Outcome.failed(error.toString()));
                });
    }

    private void count(ActiveFilter filter, String outcome) {
        Counter.builder("kowalski.filter.runs")
                .description("User filter runs per alert, by outcome: passed, rejected, timed_out or failed")
                .tag("survey", survey)
                .tag("filter_id", Integer.toString(filter.filterId()))
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }

    private static boolean isTimeout(Throwable error) {
        return error instanceof TimeoutException || error instanceof MongoExecutionTimeoutException;
    }

    private static boolean isStoreOutage(Throwable error) {
        return StoreOutages.isOutage(error);
    }

    enum Status {
        OK("ok"),
        TIMED_OUT("timed_out"),
        FAILED("failed");

        final String tag;

        Status(String tag) {
            this.tag = tag;
        }
    }

    record Outcome(Status status, List<Document> documents, String error) {

        static final Outcome TIMED_OUT = new Outcome(Status.TIMED_OUT, List.of(), null);

        static Outcome ok(List<Document> documents) {
            return new Outcome(Status.OK, Collections.unmodifiableList(documents), null);
        }

        static Outcome failed(String error) {
            return new Outcome(Status.FAILED, List.of(), error);
        }
    }
}
