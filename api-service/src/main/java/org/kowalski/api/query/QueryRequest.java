package org.kowalski.api.query;

import java.util.Set;
import org.bson.Document;
import org.kowalski.api.web.ApiException;

/**
 * A checked {@code POST /api/queries} body: the type, the {@code query} object and the {@code kwargs}
 * kept for the type, with the steps of the Python original applied in its order: the type must be
 * known, {@code kwargs.comment} becomes the user name, non-admins may not name a protected collection
 * in {@code catalog} or {@code catalogs}, unknown {@code kwargs} are dropped, and {@code max_time_ms}
 * (default {@code misc.max_time_ms}) is read and removed.
 *
 * @param filterFirst {@code kwargs.filter_first} of sky queries, read before unknown kwargs are dropped
 */
record QueryRequest(
        QueryType type,
        Document query,
        Document kwargs,
        String user,
        boolean admin,
        long maxTimeMs,
        boolean filterFirst) {

    /**
     * Checks a request body.
     *
     * @param protectedCollections collections only the admin may name, such as {@code users}
     * @param defaultMaxTimeMs the time limit when the request sets none
     * @throws ApiException 400 for every invalid part
     */
    static QueryRequest of(
            Document body, String user, boolean admin, Set<String> protectedCollections, long defaultMaxTimeMs) {
        Object typeName = body.get("query_type");
        QueryType type = QueryType.fromWireName(typeName);
        if (type == null) {
            throw ApiException.badRequest("KeyError: \"query_type " + PythonRepr.str(typeName) + " not in "
                    + QueryType.wireNamesTuple() + "\"");
        }

        Object kwargsValue = body.get("kwargs");
        if (kwargsValue != null && !(kwargsValue instanceof Document)) {
            throw ApiException.badRequest("ValidationError: kwargs must be an object such as {\"limit\": 10}, got "
                    + QueryArguments.describe(kwargsValue));
        }
        Document kwargs = kwargsValue == null ? new Document() : (Document) kwargsValue;
        kwargs.put("comment", user);

        Object queryValue = body.get("query");
        if (!(queryValue instanceof Document query)) {
            throw ApiException.badRequest("AttributeError: query must be an object such as {\"catalog\":"
                    + " \"ZTF_alerts\", \"filter\": {}}, got " + QueryArguments.describe(queryValue));
        }
        if (!admin) {
            checkProtected(query, protectedCollections);
        }

        boolean filterFirst = QueryArguments.truthy(kwargs.get("filter_first"));
        Document kept = new Document();
        kwargs.forEach((key, value) -> {
            if (type.keepsKwarg(key)) {
                kept.put(key, value);
            }
        });

        long maxTimeMs = kept.containsKey("max_time_ms")
                ? QueryArguments.pythonInt(kept.get("max_time_ms"), "kwargs.max_time_ms")
                : defaultMaxTimeMs;
        if (maxTimeMs < 1) {
            throw ApiException.badRequest("ValueError: max_time_ms must be int >= 1, got " + maxTimeMs
                    + "; send a time limit in milliseconds");
        }
        kept.remove("max_time_ms");
        return new QueryRequest(type, query, kept, user, admin, maxTimeMs, filterFirst);
    }

    /** Returns {@code kwargs.comment}, the user name sent with the query to the server's logs. */
    String comment() {
        return kwargs.getString("comment");
    }

    private static void checkProtected(Document query, Set<String> protectedCollections) {
        Object catalog = query.get("catalog");
        if (catalog != null && !(catalog instanceof String)) {
            throw ApiException.badRequest(
                    "AttributeError: query.catalog must be a string, got " + QueryArguments.describe(catalog));
        }
        if (catalog instanceof String name) {
            checkName(name, protectedCollections);
        }
        if (query.get("catalogs") instanceof Document catalogs) {
            for (String name : catalogs.keySet()) {
                checkName(name, protectedCollections);
            }
        }
    }

    private static void checkName(String name, Set<String> protectedCollections) {
        String stripped = name.strip();
        if (protectedCollections.contains(stripped) || stripped.startsWith("system.")) {
            throw ApiException.badRequest("ValidationError: Protected collection: '" + stripped
                    + "' is a system collection that only the admin can query; query a catalog or alert"
                    + " collection instead (see info/catalog_names)");
        }
    }
}
