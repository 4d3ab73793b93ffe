package org.kowalski.common.infra;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.bson.Document;
import java.util.List;

/**
 * Finds a part of a query that one of the store's unique indexes can serve. mongo-java-server 1.47 uses
 * an index only when the query's keys are exactly the index's keys, so {@code {_id: x, fp_hists: [...]}}
 * or {@code {$and: [{_id: x}, ...]}} scanned the collection, and an aggregation reads the whole
 * collection before its first {@code $match}. Every document that a query matches also matches each of
 * its conjuncts, so the documents of one index-served conjunct contain all matches, and the full query
 * can then run on them alone.
 */
final class IndexedClauses {

    private IndexedClauses() {}

    /** A conjunct of a query and the index that serves it. */
    record IndexedClause(Index<Object> index, Document clause) {}

    /**
     * Returns the first conjunct of the query that an index can serve: a top-level field condition, or
     * one inside a top-level {@code $and} (at any depth of nested {@code $and}), searched in document
     * order. Returns {@code null} when there is none.
     */
    static IndexedClause find(Document query, List<Index<Object>> indexes) {
        if (query == null || indexes.isEmpty()) {
            return null;
        }
        return findConjunct(query, indexes);
    }

    /** Returns whether one index serves the whole query, so that the store's own path already uses it. */
    static boolean servesWholeQuery(Document query, List<Index<Object>> indexes) {
        for (Index<Object> index : indexes) {
            if (index.canHandle(query)) {
                return true;
            }
        }
        return false;
    }

    private static IndexedClause findConjunct(Document query, List<Index<Object>> indexes) {
        for (String key : query.keySet()) {
            Object value = query.get(key);
            if ("$and".equals(key) && value instanceof List<?> conjuncts) {
                for (Object conjunct : conjuncts) {
                    if (conjunct instanceof Document document) {
                        IndexedClause found = findConjunct(document, indexes);
                        if (found != null) {
                            return found;
                        }
                    }
                }
            } else if (!key.startsWith("$")) {
                Document clause = new Document(key, value);
                for (Index<Object> index : indexes) {
                    if (index.canHandle(clause)) {
                        return new IndexedClause(index, clause);
                    }
                }
            }
        }
        return null;
    }
}
