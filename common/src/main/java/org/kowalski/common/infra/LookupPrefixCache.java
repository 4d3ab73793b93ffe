package org.kowalski.common.infra;

import de.bwaldvogel.mongo.bson.Document;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the output of the leading stages of recent aggregations that join another collection, so that
 * aggregations that start with the same stages run only their remaining stages. The user filters send
 * such aggregations: every filter of a batch starts with the same {@code $match} on the batch's candids,
 * {@code $lookup} of the aux document and {@code $project} over its history, and the embedded server
 * copies each aux document and rebuilds each history point of it once per filter.
 *
 * <p>The kept part, the prefix, is the stages through the first {@code $lookup} and the stage right
 * after it when that is a {@code $project} or {@code $addFields}. An entry is only used while no write
 * has reached the store since its computation began: the backend calls {@link #recordWrite()} before
 * and after every command that is not a read. At most {@value #MAX_ENTRIES} outputs of at most
 * {@value #MAX_DOCUMENTS} documents each are kept, through soft references. Each use gets a deep copy of the kept documents, so a
 * later stage that changes its input in place cannot alter the entry.
 */
final class LookupPrefixCache {

    /** Maximum number of entries; the least recently used one goes first. */
    private static final int MAX_ENTRIES = 4;

    /** Prefix outputs with more documents are not kept, which bounds the memory of an entry. */
    static final int MAX_DOCUMENTS = 2_000;

    private static final Set<String> WRITING_STAGES = Set.of("$out", "$merge", "$changeStream");

    private final AtomicLong writeVersion = new AtomicLong();

    private final AtomicLong hits = new AtomicLong();

    private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** The collection and leading stages of an aggregation, compared by value. */
    record Key(String collectionName, List<Object> stages) {}

    /** A kept output, held softly so that the garbage collector can free it when memory runs short. */
    private record Entry(long writeVersion, SoftReference<List<Document>> documents) {}

    /** Marks the kept outputs as outdated and drops them. The backend calls it before and after every command that may write. */
    void recordWrite() {
        writeVersion.incrementAndGet();
        synchronized (entries) {
            entries.clear();
        }
    }

    /** Returns the version to pass to {@link #put} for an output that is computed after this call. */
    long currentVersion() {
        return writeVersion.get();
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

    /** Returns deep copies of the kept output of the key, or {@code null} when it is absent or outdated. */
    List<Document> copiesOf(Key key) {
        Entry entry;
        synchronized (entries) {
            entry = entries.get(key);
        }
        List<Document> documents = entry == null ? null : entry.documents().get();
        if (documents == null || entry.writeVersion() != writeVersion.get()) {
            return null;
        }
        hits.incrementAndGet();
        return deepCopies(documents);
    }

    /**
     * Keeps the output of the key, computed from a store at {@code version}, unless it has more than
     * {@value #MAX_DOCUMENTS} documents or a write has happened since, and returns whether it was kept.
     * Kept documents must not be handed to any stage afterwards, because the entry keeps them as given.
     */
    boolean put(Key key, long version, List<Document> documents) {
        if (documents.size() > MAX_DOCUMENTS || version != writeVersion.get()) {
            return false;
        }
        synchronized (entries) {
            entries.put(key, new Entry(version, new SoftReference<>(documents)));
        }
        return true;
    }

    /** Returns how many aggregations have run on a kept output since the start. */
    long hits() {
        return hits.get();
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
