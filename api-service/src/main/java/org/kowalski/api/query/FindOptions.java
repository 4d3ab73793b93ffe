package org.kowalski.api.query;

import com.mongodb.reactivestreams.client.FindPublisher;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * The cursor options of a {@code find}, read from a query's {@code kwargs}.
 *
 * @param skip documents to skip, 0 for none
 * @param limit maximum number of documents; 0 for none, negative for one batch of that size
 * @param sort sort keys, or null for the store's order
 * @param hint index name ({@link String}) or key document ({@link Document}), or null
 * @param maxTimeMs server time limit in milliseconds
 * @param comment comment logged by the server with the query (the user name)
 */
record FindOptions(int skip, int limit, Document sort, Object hint, long maxTimeMs, String comment) {

    /** Applies the options to a find cursor. */
    <T> FindPublisher<T> applyTo(FindPublisher<T> find) {
        FindPublisher<T> result = find.maxTime(maxTimeMs, TimeUnit.MILLISECONDS);
        if (skip > 0) {
            result = result.skip(skip);
        }
        if (limit != 0) {
            result = result.limit(limit);
        }
        if (sort != null) {
            result = result.sort(sort);
        }
        if (hint instanceof String indexName) {
            result = result.hintString(indexName);
        } else if (hint instanceof Document indexKeys) {
            result = result.hint(indexKeys);
        }
        if (comment != null) {
            result = result.comment(comment);
        }
        return result;
    }
}
