package org.kowalski.common.filter;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.skyportal.AlertPoster;
import org.kowalski.common.skyportal.OutboxJobs;
import org.kowalski.common.skyportal.SkyPortalClient;
import org.kowalski.common.skyportal.SkyPortalDirectory;
import org.kowalski.common.skyportal.SkyPortalOutbox;
import org.kowalski.common.skyportal.SurveyProfile;
import org.kowalski.common.skyportal.ThumbnailRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The step every survey broker runs after storing a batch of alerts: the survey's active user filters
 * run on the alerts, each alert document gets {@code passed_filters} ({@code filter_id}, {@code
 * group_id}, {@code fid}, {@code annotations}, {@code passed_at}) when a filter passed, and, when {@code
 * misc.broker} is true, one SkyPortal post per alert goes to the outbox, which sends it in the background.
 *
 * <p>Filters run whether or not {@code misc.broker} is on, so their results can be queried. Processing
 * an alert again is harmless: {@code passed_filters} is replaced and an alert already in the outbox is
 * not queued twice. The survey differences come from the {@link SurveyProfile} the broker passes.
 *
 * <p>Usage in a broker, after the alerts are stored:
 *
 * <pre>{@code
 * AlertFilterStage stage = AlertFilterStage.create(config, database, SurveyProfile.ZTF, meterRegistry);
 * stage.start();
 * ...
 * stage.process(storedAlertDocuments).block();
 * }</pre>
 */
public final class AlertFilterStage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertFilterStage.class);

    private final SurveyProfile profile;
    private final MongoCollection<Document> alerts;
    private final ActiveFilters filters;
    private final FilterRunner runner;
    private final SkyPortalOutbox outbox;
    private final Clock clock;

    AlertFilterStage(
            SurveyProfile profile,
            MongoCollection<Document> alerts,
            ActiveFilters filters,
            FilterRunner runner,
            SkyPortalOutbox outbox,
            Clock clock) {
        this.profile = profile;
        this.alerts = alerts;
        this.filters = filters;
        this.runner = runner;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Builds the stage of a survey from the configuration, with thumbnails drawn by {@link
     * org.kowalski.common.skyportal.Thumbnails}.
     *
     * @param database the Kowalski database, with the survey's collections
     */
    public static AlertFilterStage create(
            KowalskiConfig config, MongoDatabase database, SurveyProfile profile, MeterRegistry meters) {
        return create(
                config, database, profile, meters, new org.kowalski.common.skyportal.Thumbnails(), Clock.systemUTC());
    }

    /** Builds the stage with a given thumbnail renderer and clock. */
    public static AlertFilterStage create(
            KowalskiConfig config,
            MongoDatabase database,
            SurveyProfile profile,
            MeterRegistry meters,
            ThumbnailRenderer thumbnails,
            Clock clock) {
        String alertsName = config.collection(profile.alertsCollectionKey());
        MongoCollection<Document> alerts = database.getCollection(alertsName);
        KowalskiConfig.Misc misc = config.misc();
        ActiveFilters filters = new ActiveFilters(
                database.getCollection(config.collection("filters")),
                FilterPipelines.upstream(config, alertsName),
                config.systemCollections(),
                alertsName,
                Duration.ofMillis(orDefault(misc.filterCheckIntervalMs(), 5000)));
        FilterRunner runner = new FilterRunner(
                alerts, profile.survey(), Duration.ofMillis(orDefault(misc.filterMaxTimeMs(), 1000)), meters, clock);

        SkyPortalOutbox outbox = null;
        if (misc.isBroker()) {
            KowalskiConfig.SkyPortal settings = config.skyportal();
            SkyPortalClient client =
                    new SkyPortalClient(settings, config.server().version());
            AlertPoster poster = new AlertPoster(
                    client,
                    new SkyPortalDirectory(client, profile, clock),
                    profile,
                    alerts,
                    database.getCollection(config.collection(profile.auxCollectionKey())),
                    database.getCollection(config.collection("skyportal_outbox")),
                    thumbnails,
                    Duration.ofMillis(orDefault(settings.photometryTimeoutMs(), 15_000)),
                    Duration.ofMillis(orDefault(settings.followupTimeoutMs(), 30_000)),
                    clock);
            outbox = new SkyPortalOutbox(
                    database.getCollection(config.collection("skyportal_outbox")),
                    profile.survey(),
                    poster,
                    Duration.ofMillis(orDefault(settings.outboxPollIntervalMs(), 1000)),
                    Duration.ofMillis(orDefault(settings.retryInitialDelayMs(), 1000)),
                    Duration.ofMillis(orDefault(settings.retryMaxDelayMs(), 60_000)),
                    Duration.ofHours(orDefault(settings.outboxRetentionHours(), 72)),
                    settings.outboxConcurrency() == null ? 4 : settings.outboxConcurrency(),
                    clock,
                    meters);
        }
        return new AlertFilterStage(profile, alerts, filters, runner, outbox, clock);
    }

    /** Starts the filter change checks and, in broker mode, the outbox worker. */
    public void start() {
        filters.start();
        if (outbox != null) {
            outbox.start();
        }
    }

    /** Returns the survey's filters; tests use it to reload them at once. */
    public ActiveFilters filters() {
        return filters;
    }

    /** Returns the outbox, or {@code null} when {@code misc.broker} is false. */
    public SkyPortalOutbox outbox() {
        return outbox;
    }

    /**
     * Runs the filters on stored alerts, records the results on the alert documents and, in broker mode,
     * queues the SkyPortal posts.
     *
     * @param storedAlerts the alert documents as stored: {@code candid}, the object id field and {@code
     *     candidate.jd} are read
     * @return the passed filters of each candid; fails only when the store is unavailable
     */
    public Mono<Map<Long, List<PassedFilter>>> process(List<Document> storedAlerts) {
        Map<Long, String> objectIds = new LinkedHashMap<>();
        Map<Long, Double> jds = new LinkedHashMap<>();
        for (Document alert : storedAlerts) {
            long candid = ((Number) alert.get("candid")).longValue();
            objectIds.put(candid, String.valueOf(alert.get(profile.objectIdField())));
            Document candidate = alert.get("candidate", Document.class);
            jds.put(candid, candidate != null && candidate.get("jd") instanceof Number jd ? jd.doubleValue() : 0.0);
        }
        if (objectIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return filters.ensureLoaded()
                .flatMap(active -> runner.run(active, objectIds))
                .flatMap(passed -> recordResults(passed).thenReturn(passed))
                .flatMap(passed -> queuePosts(passed, objectIds, jds).thenReturn(passed));
    }

    private Mono<Void> recordResults(Map<Long, List<PassedFilter>> passed) {
        List<WriteModel<Document>> updates = new ArrayList<>();
        passed.forEach((candid, results) -> {
            if (results.isEmpty()) {
                return;
            }
            List<Document> entries = new ArrayList<>(results.size());
            for (PassedFilter result : results) {
                entries.add(new Document("filter_id", result.filterId())
                        .append("group_id", result.groupId())
                        .append("fid", result.fid())
                        .append("annotations", result.annotations())
                        .append("passed_at", Date.from(result.passedAt())));
            }
            updates.add(new UpdateOneModel<>(Filters.eq("candid", candid), Updates.set("passed_filters", entries)));
        });
        if (updates.isEmpty()) {
            return Mono.empty();
        }
        return Mono.from(alerts.bulkWrite(updates)).then();
    }

    private Mono<Void> queuePosts(
            Map<Long, List<PassedFilter>> passed, Map<Long, String> objectIds, Map<Long, Double> jds) {
        if (outbox == null) {
            return Mono.empty();
        }
        List<Document> jobs = new ArrayList<>(passed.size());
        passed.forEach((candid, results) -> jobs.add(OutboxJobs.job(
                profile.survey(), candid, objectIds.get(candid), jds.get(candid), results, clock.instant())));
        return outbox.enqueue(jobs)
                .doOnNext(queued -> {
                    if (queued < jobs.size()) {
                        log.debug(
                                "{}: {} of {} alerts were already in the SkyPortal outbox",
                                profile.survey(),
                                jobs.size() - queued,
                                jobs.size());
                    }
                })
                .then();
    }

    private static long orDefault(Long value, long fallback) {
        return value == null ? fallback : value;
    }

    @Override
    public void close() {
        filters.close();
        if (outbox != null) {
            outbox.close();
        }
    }
}
