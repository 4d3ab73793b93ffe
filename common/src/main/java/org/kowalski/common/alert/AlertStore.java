package org.kowalski.common.alert;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.WriteConcern;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.BulkWriteUpsert;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Writes alerts and their objects' history to the survey's two collections, idempotently, so that
 * replaying a message changes nothing:
 *
 * <ul>
 *   <li>the alerts collection contains one document per {@code candid} (a unique index); an alert already
 *       there is reported as a duplicate and left alone;
 *   <li>the aux collection holds one document per object ({@code _id} = object id) with {@code
 *       cross_matches}, {@code prv_candidates} and, for surveys with forced photometry, {@code
 *       fp_hists}. Each alert applies one atomic upsert: {@code $addToSet} of its previous candidates,
 *       and {@code $setOnInsert} of the cross-matches (and forced photometry) when it creates the
 *       document. Alerts of one object written at the same time therefore all end up in its history;
 *   <li>forced photometry of an existing object is merged with a compare-and-set on the stored array,
 *       retried on conflict, because the merge (brightest alert per {@code jd}) has no update operator.
 * </ul>
 *
 * <p>Only plain update operators are used (no update pipelines, {@code $set} stages or transactions), so
 * the same code runs on MongoDB and on the embedded store. Store outages surface as the driver's
 * exceptions, which {@link org.kowalski.common.mongo.StoreOutages} classifies.
 */
public final class AlertStore {

    private static final Logger log = LoggerFactory.getLogger(AlertStore.class);
    private static final int DUPLICATE_KEY = 11000;
    private static final int MAX_MERGE_ATTEMPTS = 10;
    private static final int CONCURRENT_MERGES = 8;

    private final MongoCollection<Document> alerts;
    private final MongoCollection<Document> aux;
    private final boolean forcedPhotometry;

    /**
     * @param alertsCollection the survey's alerts collection, such as {@code ZTF_alerts}
     * @param auxCollection the survey's aux collection, such as {@code ZTF_alerts_aux}
     * @param forcedPhotometry whether the survey's alerts carry {@code fp_hists} to keep in aux (ZTF)
     * @param writeConcern the write concern that makes a write durable before the offset is committed
     */
    public AlertStore(
            MongoDatabase database,
            String alertsCollection,
            String auxCollection,
            boolean forcedPhotometry,
            WriteConcern writeConcern) {
        this.alerts = database.getCollection(alertsCollection).withWriteConcern(writeConcern);
        this.aux = database.getCollection(auxCollection).withWriteConcern(writeConcern);
        this.forcedPhotometry = forcedPhotometry;
    }

    /** The outcome of inserting a batch of alerts: which were new, which were stored before, which failed. */
    public record InsertOutcome(Set<Long> inserted, Set<Long> duplicates, Map<Long, String> failures) {}

    /**
     * The history written for one alert.
     *
     * @param newObject whether this alert created the object's aux document
     * @param prvCandidates the packet's previous candidates without null-valued keys, as added to aux
     * @param fpHists the object's forced photometry in the 30 days before the alert, as stored; empty when
     *     the object keeps none
     * @param error why the aux update failed, or {@code null}
     */
    public record AuxOutcome(
            MongifiedAlert alert,
            boolean newObject,
            List<Document> prvCandidates,
            List<Document> fpHists,
            String error) {}

    /** Returns the candids of the list that are already in the alerts collection. */
    public Mono<Set<Long>> storedCandids(List<Long> candids) {
        if (candids.isEmpty()) {
            return Mono.just(Set.of());
        }
        return Flux.from(alerts.find(Filters.in("candid", candids)).projection(Projections.include("candid")))
                .map(document -> ((Number) document.get("candid")).longValue())
                .collect(HashSet<Long>::new, Set::add)
                .map(set -> (Set<Long>) set);
    }

    /**
     * Inserts the alerts not stored yet with one unordered bulk insert. An alert whose candid is already
     * stored, or repeated in the batch, is a duplicate. A document that the store rejects (too large, for
     * example) is a failure. A store outage is an error of the returned Mono.
     */
    public Mono<InsertOutcome> insertAlerts(List<MongifiedAlert> batch) {
        return storedCandids(batch.stream().map(MongifiedAlert::candid).toList())
                .flatMap(stored -> insertAlerts(batch, stored));
    }

    /**
     * Inserts the alerts as {@link #insertAlerts(List)} does, given the candids of the batch found stored
     * by {@link #storedCandids}; the unique index catches any stored since.
     */
    public Mono<InsertOutcome> insertAlerts(List<MongifiedAlert> batch, Set<Long> alreadyStored) {
        Set<Long> duplicates = new LinkedHashSet<>();
        Set<Long> seen = new HashSet<>(alreadyStored);
        List<MongifiedAlert> toInsert = new ArrayList<>();
        for (MongifiedAlert alert : batch) {
            if (seen.add(alert.candid())) {
                toInsert.add(alert);
            } else {
                duplicates.add(alert.candid());
            }
        }
        if (toInsert.isEmpty()) {
            return Mono.just(new InsertOutcome(Set.of(), duplicates, Map.of()));
        }
        List<Document> documents = toInsert.stream().map(MongifiedAlert::alert).toList();
        return Mono.from(alerts.insertMany(documents, new InsertManyOptions().ordered(false)))
                .map(result -> outcome(toInsert, duplicates, List.of()))
                .onErrorResume(
                        MongoBulkWriteException.class,
                        e -> Mono.just(outcome(toInsert, duplicates, e.getWriteErrors())));
    }

    private static InsertOutcome outcome(
            List<MongifiedAlert> attempted, Set<Long> duplicates, List<BulkWriteError> errors) {
        Set<Long> inserted = new LinkedHashSet<>();
        Map<Long, String> failures = new LinkedHashMap<>();
        Map<Integer, BulkWriteError> errorsByIndex = new HashMap<>();
        errors.forEach(error -> errorsByIndex.put(error.getIndex(), error));
        for (int i = 0; i < attempted.size(); i++) {
            long candid = attempted.get(i).candid();
            BulkWriteError error = errorsByIndex.get(i);
            if (error == null) {
                inserted.add(candid);
            } else if (error.getCode() == DUPLICATE_KEY) {
                duplicates.add(candid);
            } else {
                failures.put(candid, error.getMessage());
            }
        }
        return new InsertOutcome(inserted, duplicates, failures);
    }

    /**
     * Writes the history of every alert of the batch into its object's aux document, in batch order.
     *
     * @param crossMatcher computes the {@code cross_matches} of an object that has no aux document yet;
     *     called once per such object, with its first alert of the batch
     */
    public Mono<List<AuxOutcome>> updateAux(
            List<MongifiedAlert> batch, Function<MongifiedAlert, Mono<Document>> crossMatcher) {
        if (batch.isEmpty()) {
            return Mono.just(List.of());
        }
        Map<String, MongifiedAlert> firstAlertOfObject = new LinkedHashMap<>();
        batch.forEach(alert -> firstAlertOfObject.putIfAbsent(alert.objectId(), alert));

        return existingObjects(firstAlertOfObject.keySet())
                .flatMap(existing -> crossMatchNewObjects(firstAlertOfObject, existing, crossMatcher)
                        .flatMap(crossMatches -> upsertHistory(batch, crossMatches)))
                .flatMap(this::mergeForcedPhotometry);
    }

    private Mono<Set<String>> existingObjects(Set<String> objectIds) {
        return Flux.from(aux.find(Filters.in("_id", objectIds)).projection(Projections.include("_id")))
                .map(document -> document.getString("_id"))
                .collect(HashSet<String>::new, Set::add)
                .map(set -> (Set<String>) set);
    }

    private static Mono<Map<String, Document>> crossMatchNewObjects(
            Map<String, MongifiedAlert> firstAlertOfObject,
            Set<String> existing,
            Function<MongifiedAlert, Mono<Document>> crossMatcher) {
        return Flux.fromIterable(firstAlertOfObject.values())
                .filter(alert -> !existing.contains(alert.objectId()))
                .flatMap(
                        alert -> crossMatcher
                                .apply(alert)
                                .defaultIfEmpty(new Document())
                                .map(matches -> Map.entry(alert.objectId(), matches)),
                        4)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** One alert's aux write in progress: what it adds, and whether it created the document. */
    private static final class AuxWrite {
        final MongifiedAlert alert;
        final List<Document> prvCandidates;
        final List<Document> fpFormatted;
        final boolean fpOnInsert;
        boolean newObject;
        List<Document> fpHists = List.of();
        String error;

        AuxWrite(MongifiedAlert alert, List<Document> prvCandidates, List<Document> fpFormatted, boolean fpOnInsert) {
            this.alert = alert;
            this.prvCandidates = prvCandidates;
            this.fpFormatted = fpFormatted;
            this.fpOnInsert = fpOnInsert;
        }

        AuxOutcome outcome() {
            return new AuxOutcome(alert, newObject, prvCandidates, fpHists, error);
        }
    }

    private Mono<List<AuxWrite>> upsertHistory(List<MongifiedAlert> batch, Map<String, Document> crossMatches) {
        List<AuxWrite> writes = new ArrayList<>(batch.size());
        List<WriteModel<Document>> models = new ArrayList<>(batch.size());
        for (MongifiedAlert alert : batch) {
            List<Document> fpFormatted = forcedPhotometry ? ForcedPhotometry.format(alert) : List.of();
            // A packet without the fp_hists field (ZTF before 4.0) cannot start a complete history. The
            // original stores an empty one for it, and later packets would fill that only partially.
            boolean fpOnInsert =
                    forcedPhotometry && alert.hasFpHists() && ForcedPhotometry.storeForNewObject(alert.candidate());
            AuxWrite write = new AuxWrite(alert, withoutNulls(alert.prvCandidates()), fpFormatted, fpOnInsert);
            writes.add(write);
            models.add(upsertModel(write, crossMatches.get(alert.objectId())));
        }
        return bulkUpsert(models)
                .flatMap(results -> retryDuplicateKeyErrors(models, results))
                .map(results -> {
                    for (int i = 0; i < writes.size(); i++) {
                        UpsertResult result = results.get(i);
                        writes.get(i).newObject = result.created();
                        writes.get(i).error = result.error();
                    }
                    return writes;
                });
    }

    /** The result of one upsert: whether it created the document, or why it failed. */
    private record UpsertResult(boolean created, boolean duplicateKey, String error) {

        static final UpsertResult UPDATED = new UpsertResult(false, false, null);
        static final UpsertResult CREATED = new UpsertResult(true, false, null);
    }

    private static UpdateOneModel<Document> upsertModel(AuxWrite write, Document crossMatches) {
        List<Bson> updates = new ArrayList<>();
        updates.add(Updates.addEachToSet("prv_candidates", write.prvCandidates));
        if (crossMatches != null) {
            // Only an alert that found no aux document brings cross-matches; whichever alert creates it
            // sets them, and its fellow alerts' values are ignored.
            updates.add(Updates.setOnInsert("cross_matches", crossMatches));
            if (write.fpOnInsert) {
                updates.add(Updates.setOnInsert("fp_hists", write.fpFormatted));
            }
        }
        return new UpdateOneModel<>(
                Filters.eq("_id", write.alert.objectId()), Updates.combine(updates), new UpdateOptions().upsert(true));
    }

    /** Runs the upserts as one unordered bulk write and returns the result of each, by model index. */
    private Mono<List<UpsertResult>> bulkUpsert(List<WriteModel<Document>> models) {
        return Mono.from(aux.bulkWrite(models, new BulkWriteOptions().ordered(false)))
                .map(result -> results(models.size(), result, List.of()))
                .onErrorResume(
                        MongoBulkWriteException.class,
                        e -> Mono.just(results(models.size(), e.getWriteResult(), e.getWriteErrors())));
    }

    private static List<UpsertResult> results(int size, BulkWriteResult result, List<BulkWriteError> errors) {
        List<UpsertResult> results = new ArrayList<>(Collections.nCopies(size, UpsertResult.UPDATED));
        for (BulkWriteUpsert upsert : result.getUpserts()) {
            results.set(upsert.getIndex(), UpsertResult.CREATED);
        }
        for (BulkWriteError error : errors) {
            results.set(
                    error.getIndex(),
                    new UpsertResult(
                            false, error.getCode() == DUPLICATE_KEY, "aux update failed: " + error.getMessage()));
        }
        return results;
    }

    /**
     * Repeats, one at a time, the upserts that lost a race to create the same document (a duplicate key
     * on {@code _id}); the document exists now, so they update it.
     */
    private Mono<List<UpsertResult>> retryDuplicateKeyErrors(
            List<WriteModel<Document>> models, List<UpsertResult> results) {
        List<Integer> racing = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).duplicateKey()) {
                racing.add(i);
            }
        }
        if (racing.isEmpty()) {
            return Mono.just(results);
        }
        List<UpsertResult> updated = new ArrayList<>(results);
        return Flux.fromIterable(racing)
                .concatMap(index -> {
                    UpdateOneModel<Document> model = (UpdateOneModel<Document>) models.get(index);
                    return Mono.from(aux.updateOne(model.getFilter(), model.getUpdate(), model.getOptions()))
                            .doOnNext(result -> updated.set(
                                    index,
                                    result.getUpsertedId() != null ? UpsertResult.CREATED : UpsertResult.UPDATED));
                })
                .then(Mono.just(updated));
    }

    private Mono<List<AuxOutcome>> mergeForcedPhotometry(List<AuxWrite> writes) {
        for (AuxWrite write : writes) {
            if (write.newObject && write.fpOnInsert) {
                write.fpHists = ForcedPhotometry.window(write.fpFormatted, jdOf(write.alert));
            }
        }
        List<AuxWrite> toMerge = writes.stream()
                .filter(write -> write.error == null && !write.newObject && !write.fpFormatted.isEmpty())
                .toList();
        if (toMerge.isEmpty()) {
            return Mono.just(outcomes(writes));
        }
        // Objects merge in parallel; the alerts of one object merge one after the other, in batch order.
        Map<String, List<AuxWrite>> byObject = new LinkedHashMap<>();
        toMerge.forEach(write -> byObject.computeIfAbsent(write.alert.objectId(), id -> new ArrayList<>())
                .add(write));
        return readForcedPhotometry(byObject.keySet())
                .map(Collections::synchronizedMap)
                .flatMap(stored -> Flux.fromIterable(byObject.values())
                        .flatMap(
                                objectWrites ->
                                        Flux.fromIterable(objectWrites).concatMap(write -> mergeOne(write, stored)),
                                CONCURRENT_MERGES)
                        .then(Mono.fromSupplier(() -> outcomes(writes))));
    }

    private static List<AuxOutcome> outcomes(List<AuxWrite> writes) {
        return writes.stream().map(AuxWrite::outcome).toList();
    }

    /** Reads the stored forced photometry per object; an object without the field maps to {@code null}. */
    private Mono<Map<String, List<Document>>> readForcedPhotometry(Set<String> objectIds) {
        return Flux.from(aux.find(Filters.in("_id", objectIds)).projection(Projections.include("fp_hists")))
                .collect(
                        HashMap<String, List<Document>>::new,
                        (map, document) -> map.put(document.getString("_id"), fpHistsOf(document)));
    }

    private Mono<Void> mergeOne(AuxWrite write, Map<String, List<Document>> stored) {
        String objectId = write.alert.objectId();
        return Mono.defer(() -> {
                    List<Document> current = stored.get(objectId);
                    if (current == null) {
                        // The object keeps no forced photometry: its history could not be complete.
                        return Mono.just(true);
                    }
                    List<Document> merged = ForcedPhotometry.merge(current, write.fpFormatted);
                    if (merged.equals(current)) {
                        write.fpHists = ForcedPhotometry.window(merged, jdOf(write.alert));
                        return Mono.just(true);
                    }
                    return Mono.from(aux.updateOne(
                                    Filters.and(Filters.eq("_id", objectId), Filters.eq("fp_hists", current)),
                                    Updates.set("fp_hists", merged)))
                            .flatMap(result -> {
                                if (result.getMatchedCount() == 1) {
                                    stored.put(objectId, merged);
                                    write.fpHists = ForcedPhotometry.window(merged, jdOf(write.alert));
                                    return Mono.just(true);
                                }
                                // Another writer changed the array since it was read: read it again.
                                return readForcedPhotometry(Set.of(objectId)).map(fresh -> {
                                    stored.put(objectId, fresh.get(objectId));
                                    return false;
                                });
                            });
                })
                .flatMap(done -> done
                        ? Mono.just(true)
                        : Mono.delay(Duration.ofMillis(
                                        ThreadLocalRandom.current().nextLong(1, 50)))
                                .then(Mono.error(new ConcurrentMergeException())))
                .retryWhen(Retry.max(MAX_MERGE_ATTEMPTS - 1).filter(ConcurrentMergeException.class::isInstance))
                .onErrorResume(ConcurrentMergeException.class, e -> {
                    write.error = "forced photometry of " + objectId + " changed concurrently " + MAX_MERGE_ATTEMPTS
                            + " times in a row; this alert's points were not merged";
                    log.warn("{} (candid {})", write.error, write.alert.candid());
                    return Mono.empty();
                })
                .then();
    }

    /** Signals a lost compare-and-set of the forced-photometry array, which is retried. */
    private static final class ConcurrentMergeException extends RuntimeException {
        ConcurrentMergeException() {
            super(null, null, false, false);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Document> fpHistsOf(Document auxDocument) {
        if (!auxDocument.containsKey("fp_hists")) {
            return null;
        }
        Object value = auxDocument.get("fp_hists");
        return value instanceof List<?> list ? (List<Document>) list : new ArrayList<>();
    }

    private static double jdOf(MongifiedAlert alert) {
        return alert.candidate().get("jd") instanceof Number jd ? jd.doubleValue() : Double.NaN;
    }

    /**
     * Replaces some cross-matches of an existing object: each key of {@code matches} is set as {@code
     * cross_matches.<key>}, and the other catalogs' matches stay as stored. Nothing is written when
     * {@code matches} is empty or the object has no aux document.
     */
    public Mono<Void> replaceCrossMatches(String objectId, Document matches) {
        if (matches.isEmpty()) {
            return Mono.empty();
        }
        List<Bson> updates = new ArrayList<>(matches.size());
        matches.forEach((catalog, value) -> updates.add(Updates.set("cross_matches." + catalog, value)));
        return Mono.from(aux.updateOne(Filters.eq("_id", objectId), Updates.combine(updates)))
                .then();
    }

    /** Returns copies of the documents without their null-valued keys, as the original stores history. */
    public static List<Document> withoutNulls(List<Document> documents) {
        List<Document> cleaned = new ArrayList<>(documents.size());
        for (Document document : documents) {
            Document copy = new Document();
            document.forEach((key, value) -> {
                if (value != null) {
                    copy.append(key, value);
                }
            });
            cleaned.add(copy);
        }
        return cleaned;
    }
}
