package org.kowalski.common.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.kowalski.common.alert.AlertContainerReader;
import org.kowalski.common.alert.AlertMongifier;
import org.kowalski.common.alert.AlertStore;
import org.kowalski.common.alert.AvroDocuments;
import org.kowalski.common.alert.InvalidAlertException;
import org.kowalski.common.alert.MongifiedAlert;
import org.kowalski.common.mongo.StoreOutages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Processes one batch of Kafka messages of a survey: decode, mongify, enrich, insert the alerts, write
 * their objects' history (with the cross-matches of new objects), then run the post-store stages.
 *
 * <p>Guarantees, given that the caller commits the batch's offsets only after {@link #process} returns:
 *
 * <ul>
 *   <li>every write is idempotent (see {@link AlertStore}), so a batch processed again, after a crash or
 *       a store outage, stores each alert once and its history once;
 *   <li>a message that cannot be decoded, or an alert the store rejects, is logged with its topic,
 *       partition and offset and copied to {@code <topic>_failed}; the rest of the batch goes on;
 *   <li>a store outage (or an unreachable Kafka for the dead-letter copy) is thrown as {@link
 *       BrokerOutageException} after being logged once; the consumer then retries the batch without
 *       committing, and the recovery is logged once;
 *   <li>post-store stages see each alert this broker inserted once, even when the batch had to be retried
 *       after the insert (the broker remembers such alerts for an hour).
 * </ul>
 *
 * <p>Instances are thread-safe; the consumer threads of a survey share one.
 */
public class AlertPipeline {

    private static final Logger log = LoggerFactory.getLogger(AlertPipeline.class);

    /** Maximum duration of a single store call; a longer call counts as an outage. */
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

    /** How long an alert inserted by a batch that then failed waits for its post-store stages. */
    private static final long AWAITING_POST_STORE_MS = 3_600_000;

    private final SurveyAdapter adapter;
    private final AlertStore store;
    private final List<AlertEnricher> enrichers;
    private final CrossMatcher crossMatcher;
    private final List<PostStoreStage> postStoreStages;
    private final DeadLetterPublisher deadLetters;
    private final BrokerMetrics metrics;
    private final Runnable afterBatch;
    private final AlertContainerReader reader = new AlertContainerReader();

    /** Candids inserted by this broker whose post-store stages have not completed, with the insert time. */
    private final Map<Long, Long> awaitingPostStore = new ConcurrentHashMap<>();

    /** Start of the current store outage in epoch milliseconds, or 0. */
    private final AtomicLong outageSinceMs = new AtomicLong();

    /**
     * @param afterBatch runs after every successful batch, before the offsets are committed (the
     *     embedded store writes its file there)
     */
    public AlertPipeline(
            SurveyAdapter adapter,
            AlertStore store,
            List<AlertEnricher> enrichers,
            CrossMatcher crossMatcher,
            List<PostStoreStage> postStoreStages,
            DeadLetterPublisher deadLetters,
            BrokerMetrics metrics,
            Runnable afterBatch) {
        this.adapter = adapter;
        this.store = store;
        this.enrichers = List.copyOf(enrichers);
        this.crossMatcher = crossMatcher;
        this.postStoreStages = List.copyOf(postStoreStages);
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.afterBatch = afterBatch;
    }

    /** The counts of one processed batch. */
    public record BatchReport(int messages, int stored, int duplicates, int failed) {}

    /** One message and the alerts decoded from it. */
    private record DecodedMessage(ConsumerRecord<byte[], byte[]> record, List<IncomingAlert> alerts) {}

    /** Counts and stage times of the batch in progress. */
    private static final class BatchState {
        final Map<BrokerMetrics.Stage, Long> nanos = new EnumMap<>(BrokerMetrics.Stage.class);
        final Map<MessageOrigin, ConsumerRecord<byte[], byte[]>> records = new HashMap<>();
        int stored;
        int duplicates;
        int failed;

        <T> T timed(BrokerMetrics.Stage stage, Supplier<T> step) {
            long start = System.nanoTime();
            try {
                return step.get();
            } finally {
                nanos.merge(stage, System.nanoTime() - start, Long::sum);
            }
        }
    }

    /**
     * Processes a batch and returns its counts.
     *
     * @throws BrokerOutageException when the store or Kafka is unreachable; nothing of the batch may be
     *     committed then, and processing it again is safe
     */
    public BatchReport process(List<ConsumerRecord<byte[], byte[]>> records) {
        long start = System.nanoTime();
        BatchState batch = new BatchState();
        metrics.consumed(records.size());

        List<DecodedMessage> messages = batch.timed(BrokerMetrics.Stage.DECODE, () -> decode(records, batch));
        List<IncomingAlert> alerts = new ArrayList<>();
        messages.forEach(message -> alerts.addAll(message.alerts()));
        try {
            store(alerts, batch);
        } catch (BrokerOutageException e) {
            throw e;
        } catch (RuntimeException e) {
            if (messages.size() == 1) {
                deadLetter(messages.get(0).record(), "processing failed: " + describe(e), batch);
            } else {
                // Find the message that fails by storing one message at a time; the writes are idempotent.
                log.warn(
                        "{}: batch of {} messages failed ({}); retrying message by message",
                        adapter.survey(),
                        messages.size(),
                        describe(e),
                        e);
                for (DecodedMessage message : messages) {
                    try {
                        store(message.alerts(), batch);
                    } catch (BrokerOutageException outage) {
                        throw outage;
                    } catch (RuntimeException messageError) {
                        deadLetter(message.record(), "processing failed: " + describe(messageError), batch);
                    }
                }
            }
        }
        afterBatch.run();
        endOutage();

        long totalNanos = System.nanoTime() - start;
        batch.nanos.put(BrokerMetrics.Stage.BATCH, totalNanos);
        batch.nanos.forEach(metrics::time);
        metrics.stored(batch.stored);
        metrics.duplicates(batch.duplicates);
        metrics.failed(batch.failed);
        log.info(
                "{}: batch of {} messages from {}: {} stored, {} duplicates, {} failed in {} ms ({})",
                adapter.survey(),
                records.size(),
                describeRange(records),
                batch.stored,
                batch.duplicates,
                batch.failed,
                totalNanos / 1_000_000,
                describeStages(batch.nanos));
        return new BatchReport(records.size(), batch.stored, batch.duplicates, batch.failed);
    }

    private List<DecodedMessage> decode(List<ConsumerRecord<byte[], byte[]>> records, BatchState batch) {
        List<DecodedMessage> messages = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            MessageOrigin origin = new MessageOrigin(record.topic(), record.partition(), record.offset());
            batch.records.put(origin, record);
            AlertContainerReader.Result result = reader.read(record.value());
            List<String> problems = new ArrayList<>();
            if (result.failed()) {
                problems.add(result.error().getMessage());
            }
            List<IncomingAlert> alerts = new ArrayList<>(result.records().size());
            for (GenericRecord decoded : result.records()) {
                try {
                    MongifiedAlert alert =
                            AlertMongifier.mongify(AvroDocuments.toDocument(decoded), adapter.objectIdField());
                    alerts.add(new IncomingAlert(origin, alert));
                } catch (InvalidAlertException | IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                // The decoded alerts of the message are still stored; the message is kept as it came.
                deadLetter(record, String.join("; ", problems), batch);
            }
            messages.add(new DecodedMessage(record, alerts));
        }
        return messages;
    }

    private void store(List<IncomingAlert> alerts, BatchState batch) {
        if (alerts.isEmpty()) {
            return;
        }
        List<MongifiedAlert> mongified =
                alerts.stream().map(IncomingAlert::alert).toList();
        Set<Long> alreadyStored = await(store.storedCandids(
                mongified.stream().map(MongifiedAlert::candid).toList()));

        batch.timed(BrokerMetrics.Stage.ENRICH, () -> {
            enrich(alerts, alreadyStored);
            return null;
        });

        AlertStore.InsertOutcome inserted =
                batch.timed(BrokerMetrics.Stage.INSERT, () -> await(store.insertAlerts(mongified, alreadyStored)));
        Set<Long> rejected = inserted.failures().keySet();
        for (IncomingAlert alert : alerts) {
            String failure = inserted.failures().get(alert.alert().candid());
            if (failure != null) {
                log.error(
                        "{}: the store rejected alert {} of {} from {}: {}",
                        adapter.survey(),
                        alert.alert().candid(),
                        alert.alert().objectId(),
                        alert.origin(),
                        failure);
                deadLetter(batch.records.get(alert.origin()), "store rejected the alert: " + failure, batch);
            }
        }
        long now = System.currentTimeMillis();
        Set<Long> ours = new LinkedHashSet<>(inserted.inserted());
        for (Long candid : inserted.duplicates()) {
            // Inserted by an earlier attempt of this batch that then failed: still this broker's insert.
            if (awaitingPostStore.containsKey(candid)) {
                ours.add(candid);
            }
        }
        inserted.inserted().forEach(candid -> awaitingPostStore.put(candid, now));

        List<IncomingAlert> accepted = alerts.stream()
                .filter(alert -> !rejected.contains(alert.alert().candid()))
                .toList();
        List<AlertStore.AuxOutcome> history = batch.timed(
                BrokerMetrics.Stage.AUX,
                () -> await(store.updateAux(
                        accepted.stream().map(IncomingAlert::alert).toList(), this::crossMatch)));

        List<StoredAlert> toPost = new ArrayList<>();
        Set<Long> posted = new LinkedHashSet<>();
        for (int i = 0; i < history.size(); i++) {
            AlertStore.AuxOutcome outcome = history.get(i);
            IncomingAlert alert = accepted.get(i);
            if (outcome.error() != null) {
                log.error(
                        "{}: the history of alert {} of {} from {} is incomplete: {}",
                        adapter.survey(),
                        alert.alert().candid(),
                        alert.alert().objectId(),
                        alert.origin(),
                        outcome.error());
                batch.failed++;
            }
            if (ours.contains(alert.alert().candid())
                    && posted.add(alert.alert().candid())) {
                toPost.add(new StoredAlert(
                        alert.origin(),
                        alert.alert(),
                        outcome.newObject(),
                        outcome.prvCandidates(),
                        outcome.fpHists()));
            }
        }
        batch.timed(BrokerMetrics.Stage.AUX, () -> {
            refreshCrossMatches(history, ours);
            return null;
        });
        batch.timed(BrokerMetrics.Stage.POST_STORE, () -> {
            runPostStoreStages(toPost);
            return null;
        });
        posted.forEach(awaitingPostStore::remove);
        awaitingPostStore.values().removeIf(insertedAt -> now - insertedAt > AWAITING_POST_STORE_MS);

        batch.stored += ours.size();
        batch.duplicates += inserted.duplicates().size()
                - (ours.size() - inserted.inserted().size());
    }

    private void enrich(List<IncomingAlert> alerts, Set<Long> alreadyStored) {
        if (enrichers.isEmpty()) {
            return;
        }
        Map<Long, IncomingAlert> fresh = new LinkedHashMap<>();
        for (IncomingAlert alert : alerts) {
            if (!alreadyStored.contains(alert.alert().candid())) {
                fresh.putIfAbsent(alert.alert().candid(), alert);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        List<IncomingAlert> toEnrich = List.copyOf(fresh.values());
        for (AlertEnricher enricher : enrichers) {
            try {
                await(enricher.enrich(toEnrich));
            } catch (BrokerOutageException e) {
                throw e;
            } catch (RuntimeException e) {
                log.warn(
                        "{}: enrichment step {} failed for {} alerts, which are stored without it: {}",
                        adapter.survey(),
                        enricher.getClass().getSimpleName(),
                        toEnrich.size(),
                        describe(e),
                        e);
            }
        }
    }

    private Mono<Document> crossMatch(MongifiedAlert alert) {
        return Mono.defer(() -> crossMatcher.crossMatch(alert)).onErrorResume(e -> !isOutage(e), e -> {
            log.warn(
                    "{}: cross-match of new object {} (candid {}) failed; its aux document gets none: {}",
                    adapter.survey(),
                    alert.objectId(),
                    alert.candid(),
                    describe(e));
            return Mono.just(new Document());
        });
    }

    /**
     * Replaces the refreshable cross-matches (see {@link CrossMatcher#refresh}) of objects that were
     * already known, for the alerts this broker inserted, in batch order so that an object's newest
     * alert writes last. A failure other than a store outage keeps the stored matches.
     */
    private void refreshCrossMatches(List<AlertStore.AuxOutcome> history, Set<Long> ours) {
        List<MongifiedAlert> known = history.stream()
                .filter(outcome -> outcome.error() == null && !outcome.newObject())
                .map(AlertStore.AuxOutcome::alert)
                .filter(alert -> ours.contains(alert.candid()))
                .toList();
        if (known.isEmpty()) {
            return;
        }
        await(Flux.fromIterable(known)
                .concatMap(alert -> Mono.defer(() -> crossMatcher.refresh(alert))
                        .flatMap(matches -> store.replaceCrossMatches(alert.objectId(), matches))
                        .onErrorResume(e -> !isOutage(e), e -> {
                            log.warn(
                                    "{}: refreshing the cross-matches of {} (candid {}) failed; the stored ones"
                                            + " are kept: {}",
                                    adapter.survey(),
                                    alert.objectId(),
                                    alert.candid(),
                                    describe(e));
                            return Mono.empty();
                        }))
                .then());
    }

    private void runPostStoreStages(List<StoredAlert> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        for (PostStoreStage stage : postStoreStages) {
            try {
                await(stage.process(alerts));
            } catch (BrokerOutageException e) {
                throw e;
            } catch (RuntimeException e) {
                log.error(
                        "{}: post-store stage {} failed for {} alerts (candids {}): {}",
                        adapter.survey(),
                        stage.getClass().getSimpleName(),
                        alerts.size(),
                        alerts.stream().map(a -> a.alert().candid()).toList(),
                        describe(e),
                        e);
            }
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, BatchState batch) {
        String topic = DeadLetterPublisher.deadLetterTopic(record.topic());
        log.warn(
                "{}: message {}/{}@{} cannot be stored ({}); copied to {}",
                adapter.survey(),
                record.topic(),
                record.partition(),
                record.offset(),
                reason,
                topic);
        try {
            deadLetters.publish(record, reason);
        } catch (DeadLetterPublisher.DeadLetterException e) {
            throw outage("Kafka (dead-letter topic " + topic + ")", e);
        }
        batch.failed++;
    }

    /** Blocks for a store call; an outage becomes a {@link BrokerOutageException}. */
    private <T> T await(Mono<T> call) {
        try {
            return call.timeout(CALL_TIMEOUT).block();
        } catch (RuntimeException e) {
            if (e instanceof BrokerOutageException) {
                throw e;
            }
            if (isOutage(e)) {
                throw outage("the store", e);
            }
            throw e;
        }
    }

    private static boolean isOutage(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            // An interrupted call (the consumer stopping) is retried later like an outage, not dead-lettered.
            if (cause instanceof TimeoutException
                    || cause instanceof InterruptedException
                    || cause instanceof BrokerOutageException) {
                return true;
            }
        }
        return StoreOutages.isOutage(e);
    }

    private BrokerOutageException outage(String resource, Throwable cause) {
        long now = System.currentTimeMillis();
        if (outageSinceMs.compareAndSet(0, now)) {
            log.warn(
                    "{}: {} is unreachable ({}); consumption is paused and the batch is retried until it"
                            + " answers, without committing offsets",
                    adapter.survey(),
                    resource,
                    describe(cause));
        } else {
            log.debug("{}: {} still unreachable: {}", adapter.survey(), resource, describe(cause));
        }
        return new BrokerOutageException(adapter.survey() + ": " + resource + " is unreachable", cause);
    }

    private void endOutage() {
        long since = outageSinceMs.getAndSet(0);
        if (since != 0) {
            log.info(
                    "{}: the outage is over after {} s; consumption resumed",
                    adapter.survey(),
                    (System.currentTimeMillis() - since) / 1000);
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getClass().getSimpleName() + ": " + message;
    }

    private static String describeRange(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, long[]> ranges = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ranges.merge(
                    record.topic() + "/" + record.partition(), new long[] {record.offset(), record.offset()}, (a, b) ->
                            new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        List<String> parts = new ArrayList<>();
        ranges.forEach((partition, range) -> parts.add(partition + "@" + range[0] + "-" + range[1]));
        return String.join(", ", parts);
    }

    private static String describeStages(Map<BrokerMetrics.Stage, Long> nanos) {
        List<String> parts = new ArrayList<>();
        for (BrokerMetrics.Stage stage : BrokerMetrics.Stage.values()) {
            if (stage != BrokerMetrics.Stage.BATCH) {
                parts.add(stage.tag() + " " + nanos.getOrDefault(stage, 0L) / 1_000_000 + " ms");
            }
        }
        return String.join(", ", parts);
    }
}
