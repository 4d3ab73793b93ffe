package org.kowalski.common.skyportal;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The durable queue of one survey's SkyPortal posts, in the {@code skyportal_outbox} collection, and the
 * worker that sends them.
 *
 * <p>Brokers {@link #enqueue} one document per alert after storing it, so storing alerts never waits for
 * SkyPortal. The worker sends the oldest pending post of each object (by {@code candidate.jd}), objects in
 * parallel, each object's posts in order. When SkyPortal is unreachable the whole queue pauses, first for
 * {@code retry_initial_delay_ms}, doubling up to {@code retry_max_delay_ms}, and one post probes whether
 * SkyPortal is back; then the queue drains. Finished posts stay in the collection, marked done, for {@code
 * outbox_retention_hours}, so that an alert processed again is not posted again. A post is leased while it
 * is sent, so two broker instances never send the same one.
 *
 * <p>Metrics, tagged by survey: {@code kowalski.skyportal.outbox.size} (pending posts), {@code
 * kowalski.skyportal.outbox.age} (seconds since the oldest pending post was queued) and {@code
 * kowalski.skyportal.outbox.attempts} (by outcome: done or retry).
 */
public final class SkyPortalOutbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SkyPortalOutbox.class);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration LEASE = Duration.ofMinutes(10);
    private static final int ROUND_SIZE = 500;
    private static final int DUPLICATE_KEY = 11000;

    private final MongoCollection<Document> outbox;
    private final String survey;
    private final AlertPoster poster;
    private final Duration pollInterval;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final Duration retention;
    private final int concurrency;
    private final Clock clock;
    private final MeterRegistry meters;
    private final AtomicLong size = new AtomicLong();
    private final AtomicLong ageSeconds = new AtomicLong();

    private volatile Instant pausedUntil = Instant.EPOCH;
    private int consecutiveFailures;
    private Instant lastCleanup = Instant.EPOCH;
    private ScheduledExecutorService loop;
    private ExecutorService workers;

    /**
     * @param outbox the {@code skyportal_outbox} collection
     * @param survey the survey whose posts this outbox sends
     * @param pollInterval how long the worker waits when nothing is due
     * @param initialDelay the first pause after SkyPortal failed
     * @param maxDelay the longest pause
     * @param retention how long finished posts are kept
     * @param concurrency how many objects are posted in parallel
     */
    public SkyPortalOutbox(
            MongoCollection<Document> outbox,
            String survey,
            AlertPoster poster,
            Duration pollInterval,
            Duration initialDelay,
            Duration maxDelay,
            Duration retention,
            int concurrency,
            Clock clock,
            MeterRegistry meters) {
        this.outbox = outbox;
        this.survey = survey;
        this.poster = poster;
        this.pollInterval = pollInterval;
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.retention = retention;
        this.concurrency = concurrency;
        this.clock = clock;
        this.meters = meters;
        Gauge.builder("kowalski.skyportal.outbox.size", size, AtomicLong::get)
                .description("SkyPortal posts waiting in the outbox")
                .tag("survey", survey)
                .register(meters);
        Gauge.builder("kowalski.skyportal.outbox.age", ageSeconds, AtomicLong::get)
                .description("Seconds since the oldest waiting SkyPortal post was queued")
                .baseUnit("seconds")
                .tag("survey", survey)
                .register(meters);
    }

    /** Returns the survey whose posts this outbox sends. */
    public String survey() {
        return survey;
    }

    /**
     * Queues outbox documents ({@link OutboxJobs#job}); a document whose alert is already queued or posted
     * is left as it is.
     *
     * @return the number of documents queued
     */
    public Mono<Integer> enqueue(List<Document> jobs) {
        if (jobs.isEmpty()) {
            return Mono.just(0);
        }
        return Mono.from(outbox.insertMany(jobs, new InsertManyOptions().ordered(false)))
                .map(result -> result.getInsertedIds().size())
                .onErrorResume(MongoBulkWriteException.class, error -> {
                    boolean onlyDuplicates = error.getWriteErrors().stream()
                            .allMatch(writeError -> writeError.getCode() == DUPLICATE_KEY);
                    if (!onlyDuplicates) {
                        return Mono.error(error);
                    }
                    return Mono.just(jobs.size() - error.getWriteErrors().size());
                });
    }

    /** Starts the worker thread. */
    public synchronized void start() {
        if (loop != null) {
            return;
        }
        workers = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "skyportal-outbox-" + survey.toLowerCase());
            thread.setDaemon(true);
            return thread;
        });
        loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "skyportal-outbox-loop-" + survey.toLowerCase());
            thread.setDaemon(true);
            return thread;
        });
        loop.schedule(this::loopOnce, 0, TimeUnit.MILLISECONDS);
        log.info("{}: SkyPortal outbox started, {} objects in parallel", survey, concurrency);
    }

    private void loopOnce() {
        long delayMs = pollInterval.toMillis();
        try {
            if (dispatchRound() > 0) {
                delayMs = 0;
            }
        } catch (RuntimeException e) {
            ScheduledExecutorService current = loop;
            if (current == null || current.isShutdown()) {
                return;
            }
            log.warn("{}: SkyPortal outbox round failed, retrying in {} ms: {}", survey, delayMs, e.toString());
        }
        ScheduledExecutorService current = loop;
        if (current != null && !current.isShutdown()) {
            current.schedule(this::loopOnce, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Sends the posts that are due now, at most one per object, and returns how many finished. The worker
     * thread calls it in a loop; tests may call it directly instead of {@link #start()}.
     */
    public int dispatchRound() {
        Instant now = clock.instant();
        cleanUp(now);
        updateMetrics(now);
        if (now.isBefore(pausedUntil)) {
            return 0;
        }

        List<Document> pending = Flux.from(
                        outbox.find(Filters.and(Filters.eq("survey", survey), Filters.eq("status", OutboxJobs.PENDING)))
                                .sort(Sorts.ascending("jd", "candid"))
                                .limit(ROUND_SIZE))
                .collectList()
                .block(STORE_TIMEOUT);
        Map<String, Document> firstPerObject = new LinkedHashMap<>();
        for (Document job : pending) {
            firstPerObject.putIfAbsent(job.getString("object_id"), job);
        }
        List<Document> due = new ArrayList<>();
        for (Document job : firstPerObject.values()) {
            Date next = job.getDate("next_attempt_at");
            Date lease = job.getDate("lease_until");
            if ((next == null || !next.toInstant().isAfter(now))
                    && (lease == null || lease.toInstant().isBefore(now))) {
                due.add(job);
            }
        }
        if (due.isEmpty()) {
            return 0;
        }

        ExecutorService pool = workers != null ? workers : Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (Document job : due) {
                results.add(pool.submit(() -> send(job)));
            }
            int finished = 0;
            for (Future<Boolean> result : results) {
                try {
                    if (result.get()) {
                        finished++;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return finished;
                } catch (java.util.concurrent.ExecutionException e) {
                    log.warn(
                            "{}: sending a SkyPortal post failed: {}",
                            survey,
                            e.getCause().toString());
                }
            }
            updateMetrics(clock.instant());
            return finished;
        } finally {
            if (pool != workers) {
                pool.shutdown();
            }
        }
    }

    /** Sends one post, unless the queue paused meanwhile; returns whether it finished. */
    private boolean send(Document job) {
        Instant now = clock.instant();
        if (now.isBefore(pausedUntil) || !claim(job, now)) {
            return false;
        }
        Object id = job.get("_id");
        try {
            poster.post(job);
        } catch (RuntimeException e) {
            Duration delay = pause(e instanceof SkyPortalUnavailableException);
            Instant next = clock.instant().plus(delay);
            block(outbox.updateOne(
                    Filters.eq("_id", id),
                    Updates.combine(
                            Updates.set("next_attempt_at", Date.from(next)),
                            Updates.set("last_error", e.getMessage()),
                            Updates.unset("lease_until"))));
            count("retry");
            if (e instanceof SkyPortalUnavailableException) {
                log.warn(
                        "{}: SkyPortal posts of {} (candid {}) wait {} ms: {}",
                        survey,
                        job.get("object_id"),
                        job.get("candid"),
                        delay.toMillis(),
                        e.getMessage());
            } else {
                log.error(
                        "{}: SkyPortal posts of {} (candid {}) failed, retrying in {} ms",
                        survey,
                        job.get("object_id"),
                        job.get("candid"),
                        delay.toMillis(),
                        e);
            }
            return false;
        }
        block(outbox.updateOne(
                Filters.eq("_id", id),
                Updates.combine(
                        Updates.set("status", OutboxJobs.DONE),
                        Updates.set("done_at", Date.from(clock.instant())),
                        Updates.unset("lease_until"))));
        resume();
        count("done");
        return true;
    }

    private boolean claim(Document job, Instant now) {
        Bson free = Filters.or(Filters.exists("lease_until", false), Filters.lt("lease_until", Date.from(now)));
        var result = block(outbox.updateOne(
                Filters.and(Filters.eq("_id", job.get("_id")), Filters.eq("status", OutboxJobs.PENDING), free),
                Updates.combine(Updates.set("lease_until", Date.from(now.plus(LEASE))), Updates.inc("attempts", 1))));
        return result != null && result.getModifiedCount() == 1;
    }

    private synchronized Duration pause(boolean unavailable) {
        Instant now = clock.instant();
        if (now.isBefore(pausedUntil)) {
            // Another post of this round already paused the queue: one failure per round counts.
            return Duration.between(now, pausedUntil);
        }
        consecutiveFailures++;
        long factor = 1L << Math.min(consecutiveFailures - 1, 20);
        Duration delay = initialDelay.multipliedBy(factor);
        if (delay.compareTo(maxDelay) > 0) {
            delay = maxDelay;
        }
        if (unavailable) {
            pausedUntil = now.plus(delay);
        }
        return delay;
    }

    private synchronized void resume() {
        if (consecutiveFailures > 0) {
            log.info("{}: SkyPortal is reachable again, sending the queued posts", survey);
        }
        consecutiveFailures = 0;
    }

    private void updateMetrics(Instant now) {
        Bson pending = Filters.and(Filters.eq("survey", survey), Filters.eq("status", OutboxJobs.PENDING));
        Long count = block(outbox.countDocuments(pending));
        size.set(count == null ? 0 : count);
        Document oldest = Mono.from(outbox.find(pending)
                        .sort(Sorts.ascending("created_at"))
                        .projection(Projections.include("created_at"))
                        .first())
                .block(STORE_TIMEOUT);
        ageSeconds.set(
                oldest == null || oldest.getDate("created_at") == null
                        ? 0
                        : Math.max(
                                0,
                                Duration.between(oldest.getDate("created_at").toInstant(), now)
                                        .toSeconds()));
    }

    private void cleanUp(Instant now) {
        if (Duration.between(lastCleanup, now).compareTo(Duration.ofHours(1)) < 0) {
            return;
        }
        lastCleanup = now;
        var deleted = block(outbox.deleteMany(Filters.and(
                Filters.eq("survey", survey),
                Filters.eq("status", OutboxJobs.DONE),
                Filters.lt("done_at", Date.from(now.minus(retention))))));
        if (deleted != null && deleted.getDeletedCount() > 0) {
            log.info(
                    "{}: removed {} finished SkyPortal posts older than {} hours",
                    survey,
                    deleted.getDeletedCount(),
                    retention.toHours());
        }
    }

    private void count(String outcome) {
        Counter.builder("kowalski.skyportal.outbox.attempts")
                .description("Attempts to send an alert's SkyPortal posts, by outcome")
                .tag("survey", survey)
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }

    /** Returns the number of pending posts, as of the last round. */
    public long pendingCount() {
        return size.get();
    }

    private static <T> T block(org.reactivestreams.Publisher<T> publisher) {
        return Mono.from(publisher).block(STORE_TIMEOUT);
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.shutdownNow();
            loop = null;
        }
        if (workers != null) {
            workers.shutdownNow();
            workers = null;
        }
    }
}
