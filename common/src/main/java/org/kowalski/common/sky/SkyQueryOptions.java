package org.kowalski.common.sky;

import org.bson.Document;

/**
 * What a sky query returns besides its position: the extra MongoDB filter, the projection and the
 * cursor options, applied to every matching document as a {@code find} would apply them.
 *
 * @param filter extra filter merged with the positional clause; {@code null} or empty for none
 * @param projection MongoDB projection; {@code null} or empty for whole documents
 * @param sort sort document such as {@code {"candidate.jd": -1}}; {@code null} keeps the store's order
 *     (nearest first for {@code near})
 * @param skip number of matches to skip, 0 for none
 * @param limit maximum number of matches; 0 for no limit, and a negative value means its absolute
 *     value, as the MongoDB drivers treat it
 * @param hint index name ({@link String}) or key document ({@link Document}); used on MongoDB only,
 *     since the embedded store builds no index it could name
 * @param maxTimeMs server time limit in milliseconds, {@code null} for none; the embedded store
 *     accepts and ignores it
 * @param comment comment attached to the query in the server's logs, {@code null} for none
 * @param filterFirst puts the filter's keys before the positional clause in the query document (an
 *     index-prefix hint for MongoDB), and makes the positional clause win a key clash
 */
public record SkyQueryOptions(
        Document filter,
        Document projection,
        Document sort,
        int skip,
        int limit,
        Object hint,
        Long maxTimeMs,
        String comment,
        boolean filterFirst) {

    /** Options with no filter, whole documents, the store's order and no limit. */
    public static final SkyQueryOptions DEFAULTS = new SkyQueryOptions(null, null, null, 0, 0, null, null, null, false);

    public SkyQueryOptions {
        if (skip < 0) {
            throw new InvalidSkyQueryException("skip is " + skip + ": use 0 or a positive number of documents");
        }
        if (hint != null && !(hint instanceof String) && !(hint instanceof Document)) {
            throw new InvalidSkyQueryException(
                    "hint is a " + hint.getClass().getSimpleName() + ": use an index name or an index key document");
        }
    }

    /** Returns the defaults with this extra filter. */
    public static SkyQueryOptions of(Document filter, Document projection) {
        return DEFAULTS.withFilter(filter).withProjection(projection);
    }

    public SkyQueryOptions withFilter(Document value) {
        return new SkyQueryOptions(value, projection, sort, skip, limit, hint, maxTimeMs, comment, filterFirst);
    }

    public SkyQueryOptions withProjection(Document value) {
        return new SkyQueryOptions(filter, value, sort, skip, limit, hint, maxTimeMs, comment, filterFirst);
    }

    public SkyQueryOptions withSort(Document value) {
        return new SkyQueryOptions(filter, projection, value, skip, limit, hint, maxTimeMs, comment, filterFirst);
    }

    public SkyQueryOptions withSkip(int value) {
        return new SkyQueryOptions(filter, projection, sort, value, limit, hint, maxTimeMs, comment, filterFirst);
    }

    public SkyQueryOptions withLimit(int value) {
        return new SkyQueryOptions(filter, projection, sort, skip, value, hint, maxTimeMs, comment, filterFirst);
    }

    public SkyQueryOptions withHint(Object value) {
        return new SkyQueryOptions(filter, projection, sort, skip, limit, value, maxTimeMs, comment, filterFirst);
    }

    public SkyQueryOptions withMaxTimeMs(Long value) {
        return new SkyQueryOptions(filter, projection, sort, skip, limit, hint, value, comment, filterFirst);
    }

    public SkyQueryOptions withComment(String value) {
        return new SkyQueryOptions(filter, projection, sort, skip, limit, hint, maxTimeMs, value, filterFirst);
    }

    public SkyQueryOptions withFilterFirst(boolean value) {
        return new SkyQueryOptions(filter, projection, sort, skip, limit, hint, maxTimeMs, comment, value);
    }

    /** Returns the filter, or an empty document when there is none. */
    public Document filterOrEmpty() {
        return filter == null ? new Document() : filter;
    }

    /** Returns the limit as a count of documents, {@code 0} meaning no limit. */
    public int limitCount() {
        return Math.abs(limit);
    }
}
