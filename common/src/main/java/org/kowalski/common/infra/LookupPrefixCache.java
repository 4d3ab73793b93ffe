package org.kowalski.common.infra;

import de.bwaldvogel.mongo.bson.Document;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Keeps the output of the leading stages of recent aggregations that join another collection, so that
 * aggregations that start with the same stages run only their remaining stages. The user filters send
 * such aggregations: every filter of a batch starts with the same {@code $match} on the batch's candids,
 * {@code $lookup} of the aux document and {@code $project} over its history, and the embedded server
 * copies each aux document and rebuilds each history point of it once per filter.
 *
 * <p>The kept part, the prefix, is the stages through the first {@code $lookup} and the stage right
 * after it when that is a {@code $project} or {@code $addFields}. While the prefix runs, the backend
 * records every read in its {@link Footprint}: the query of each index-served or {@code $lookup} read,
 * or a whole collection for a scan. The prefix's output depends only on the documents that match these
 * queries, so a write changes it only when a document that it inserts, updates or deletes matches one
 * of them before or after the change. Such a change drops the entry ({@link #recordChange}), and other
 * writes leave it valid. An output is not kept when such a change happened while it was computed.
 * Commands that may write in other ways (drops, renames, index changes, {@code $out}) drop every entry
 * and keep none that was computed while they ran ({@link #recordWrite}).
 *
 * <p>At most {@value #MAX_ENTRIES} outputs of at most {@value #MAX_DOCUMENTS} documents each are kept,
 * through soft references. Kept documents are shared by every aggregation that uses them, also by
 * several threads at once, so they must never be changed: an aggregation whose remaining stages may
 * change their input in place runs on deep copies ({@link ReadOnlyStages}). When two aggregations need
 * the same absent output at once, the second waits for the first to compute it.
 */
final class LookupPrefixCache {

    /** Maximum number of entries; the least recently used one goes first. */
    private static final int MAX_ENTRIES = 4;

    /** Prefix outputs with more documents are not kept, which bounds the memory of an entry. */
    static final int MAX_DOCUMENTS = 2_000;

    /** The output of a computation that records more document changes than this is not kept. */
    private static final int MAX_CAPTURED_CHANGES = 10_000;

    private static final Set<String> WRITING_STAGES = Set.of("$out", "$merge", "$changeStream");

    private final AtomicLong hits = new AtomicLong();

    private final AtomicLong computations = new AtomicLong();

    /** Guards every field below. */
    private final Object lock = new Object();

    /** Number of starts and ends of commands that may write in other ways than document writes. */
    private long globalWrites;

    /** The document changes seen by each computation that is running. */
    private final Set<Capture> captures = new HashSet<>();

    private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private final Map<Key, Computation> running = new HashMap<>();

    /** The namespace ({@code database.collection}) and leading stages of an aggregation, compared by value. */
    record Key(String namespace, List<Object> stages) {}

    /**
     * The output of the leading stages for one aggregation. Shared documents are also kept for other
     * aggregations and must not be changed.
     */
    record Output(List<Document> documents, boolean shared) {}

    /** A kept output, held softly so that the garbage collector can free it when memory runs short. */
    private record Entry(SoftReference<List<Document>> documents, Footprint footprint) {}

    /** A document change: {@code before} is {@code null} for an insert and {@code after} for a delete. */
    private record Change(String namespace, Document before, Document after) {}

    /**
     * The document changes made while one computation ran. They are checked against its footprint when
     * it ends, because a read may be recorded after a change of the document it reads.
     */
    private static final class Capture {
        final List<Change> changes = new ArrayList<>();
        boolean overflowed;
    }

    /** A computation of an absent output that other aggregations of the same key wait for. */
    private static final class Computation {
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile List<Document> kept;

        void finish(List<Document> keptDocuments) {
            kept = keptDocuments;
            done.countDown();
        }

        /** Returns the kept output, or {@code null} when it was not kept or the wait was interrupted. */
        List<Document> await() {
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            return kept;
        }
    }

    /**
     * The reads of one prefix computation, by namespace: the queries it ran, or the whole collection when
     * it scanned it or ran a query of another form than equality or {@code $in} on plain values.
     */
    static final class Footprint {

        private final Map<String, List<Document>> queries = new HashMap<>();

        private final Set<String> scanned = new HashSet<>();

        void recordQuery(String namespace, Document query) {
            if (isPlainQuery(query)) {
                queries.computeIfAbsent(namespace, name -> new ArrayList<>()).add(query);
            } else {
                scanned.add(namespace);
            }
        }

        void recordScan(String namespace) {
            scanned.add(namespace);
        }

        Set<String> namespaces() {
            Set<String> namespaces = new HashSet<>(scanned);
            namespaces.addAll(queries.keySet());
            return namespaces;
        }

        /**
         * Returns whether a document of the namespace, before or after a change, matches a recorded read.
         * NOTE: this relies on mongo-java-server's query matcher finding the same documents for an equality
         * or {@code $in} on plain values as the index the read used.
         */
        boolean touches(String namespace, Document before, Document after) {
            if (scanned.contains(namespace)) {
                return true;
            }
            List<Document> recorded = queries.get(namespace);
            if (recorded == null) {
                return false;
            }
            for (Document query : recorded) {
                if (matches(before, query) || matches(after, query)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean matches(Document document, Document query) {
            if (document == null) {
                return false;
            }
            try {
                return new de.bwaldvogel.mongo.backend.DefaultQueryMatcher().matches(document, query);
            } catch (RuntimeException e) {
                return true;
            }
        }

        /** Returns whether every condition is a field equal to a plain value or {@code $in} a list of them. */
        private static boolean isPlainQuery(Document query) {
            if (query.isEmpty()) {
                return false;
            }
            for (Map.Entry<String, Object> condition : query.entrySet()) {
                if (condition.getKey().startsWith("$")) {
                    return false;
                }
                Object value = condition.getValue();
                if (value instanceof Document operator) {
                    if (operator.size() != 1
                            || !(operator.get("$in") instanceof List<?> values)
                            || !values.stream().allMatch(Footprint::isPlainValue)) {
                        return false;
                    }
                } else if (!isPlainValue(value)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isPlainValue(Object value) {
            return value instanceof String
                    || value instanceof Number
                    || value instanceof Boolean
                    || value instanceof java.util.Date
                    || value instanceof de.bwaldvogel.mongo.bson.ObjectId;
        }
    }

    /**
     * Drops every kept output. The backend calls it before and after every command that may write in
     * other ways than inserting, updating and deleting documents.
     */
    void recordWrite() {
        synchronized (lock) {
            globalWrites++;
            entries.clear();
        }
    }

    /**
     * Drops the kept outputs that read a document of the namespace as it was before or is after a change,
     * and records the change for the running computations. {@code before} is {@code null} for an insert and
     * {@code after} for a delete. The documents must not change afterwards, except {@code after} through
     * later changes that are recorded too.
     */
    void recordChange(String namespace, Document before, Document after) {
        synchronized (lock) {
            if (!entries.isEmpty()) {
                entries.values().removeIf(entry -> entry.footprint().touches(namespace, before, after));
            }
            for (Capture capture : captures) {
                if (capture.changes.size() < MAX_CAPTURED_CHANGES) {
                    capture.changes.add(new Change(namespace, before, after));
                } else {
                    capture.overflowed = true;
                }
            }
        }
    }

    /**
     * Returns the kept output of the key, or computes it with {@code compute}, which records its reads in
     * the footprint it gets, and keeps it unless a write changed a document that it read meanwhile.
     */
    Output outputOf(Key key, Function<Footprint, List<Document>> compute) {
        Computation mine = new Computation();
        Computation other;
        synchronized (lock) {
            List<Document> kept = keptDocuments(key);
            if (kept != null) {
                hits.incrementAndGet();
                return new Output(kept, true);
            }
            other = running.putIfAbsent(key, mine);
        }
        if (other != null) {
            List<Document> kept = other.await();
            if (kept != null) {
                hits.incrementAndGet();
                return new Output(kept, true);
            }
            return compute(key, compute, null);
        }
        return compute(key, compute, mine);
    }

    private Output compute(Key key, Function<Footprint, List<Document>> compute, Computation registered) {
        List<Document> kept = null;
        Capture capture = new Capture();
        try {
            long start;
            synchronized (lock) {
                start = globalWrites;
                captures.add(capture);
            }
            Footprint footprint = new Footprint();
            List<Document> documents = compute.apply(footprint);
            computations.incrementAndGet();
            kept = keep(key, start, capture, documents, footprint);
            return kept == null ? new Output(documents, false) : new Output(kept, true);
        } finally {
            synchronized (lock) {
                captures.remove(capture);
            }
            if (registered != null) {
                synchronized (lock) {
                    running.remove(key, registered);
                }
                registered.finish(kept);
            }
        }
    }

    /**
     * Keeps the output unless it has more than {@value #MAX_DOCUMENTS} documents, another write than a
     * document change has started or ended since {@code start}, or a document change during the
     * computation touched its footprint. Returns the kept, unmodifiable list, or {@code null}.
     */
    private List<Document> keep(Key key, long start, Capture capture, List<Document> documents, Footprint footprint) {
        if (documents.size() > MAX_DOCUMENTS) {
            return null;
        }
        synchronized (lock) {
            if (globalWrites != start || capture.overflowed) {
                return null;
            }
            for (Change change : capture.changes) {
                if (footprint.touches(change.namespace(), change.before(), change.after())) {
                    return null;
                }
            }
            List<Document> kept = Collections.unmodifiableList(documents);
            entries.put(key, new Entry(new SoftReference<>(kept), footprint));
            return kept;
        }
    }

    private List<Document> keptDocuments(Key key) {
        Entry entry = entries.get(key);
        return entry == null ? null : entry.documents().get();
    }

    /** Returns how many aggregations have run on a kept output of their leading stages since the start. */
    long hits() {
        return hits.get();
    }

    /** Returns how many times leading stages have been computed since the start. */
    long computations() {
        return computations.get();
    }

    /**
     * Returns the number of leading stages to keep, or 0 when the pipeline has no {@code $lookup} with
     * {@code localField} and {@code foreignField}, or has a stage that writes.
     */
    static int prefixLength(List<Object> pipeline) {
        int lookup = -1;
        for (int i = 0; i < pipeline.size(); i++) {
            String operator = operatorOf(pipeline.get(i));
            if (operator == null || WRITING_STAGES.contains(operator)) {
                return 0;
            }
            if (lookup < 0 && operator.equals("$lookup") && isEqualityLookup(pipeline.get(i))) {
                lookup = i;
            }
        }
        if (lookup < 0) {
            return 0;
        }
        if (lookup + 1 < pipeline.size()) {
            String next = operatorOf(pipeline.get(lookup + 1));
            if ("$project".equals(next) || "$addFields".equals(next)) {
                return lookup + 2;
            }
        }
        return lookup + 1;
    }

    static List<Document> deepCopies(List<Document> documents) {
        List<Document> copies = new ArrayList<>(documents.size());
        for (Document document : documents) {
            copies.add(document.cloneDeeply());
        }
        return copies;
    }

    private static String operatorOf(Object stage) {
        if (!(stage instanceof Document document) || document.size() != 1) {
            return null;
        }
        return document.keySet().iterator().next();
    }

    private static boolean isEqualityLookup(Object stage) {
        return ((Document) stage).get("$lookup") instanceof Document lookup
                && lookup.containsKey("localField")
                && lookup.containsKey("foreignField")
                && !lookup.containsKey("pipeline");
    }
}
