package org.kowalski.api.query;

/** The OpenAPI description and request examples of {@code POST /api/queries}, one per query type. */
final class QueryDocs {

    private QueryDocs() {}

    static final String DESCRIPTION = "Body {\"query_type\": <type>, \"query\": {...}, \"kwargs\": {...}}."
            + " Replies {\"status\": \"success\", \"message\": \"Successfully executed query\", \"data\": ...} in"
            + " relaxed MongoDB Extended JSON ($oid, $date, $numberDouble for NaN, $binary; 64-bit integers"
            + " exact); user errors give 400 {\"status\": \"error\", \"message\": <what is wrong and the fix>}.\n\n"
            + "Query types and their data:\n"
            + "- find: query {catalog, filter, projection?}; kwargs skip, limit, sort, hint, max_time_ms. A find"
            + " without a limit returns at most server.find_default_limit documents, and limit 0 or a larger"
            + " limit is capped by server.find_max_limit (a limit above it gives 400). data: array.\n"
            + "- find_one: query {catalog, filter}; only max_time_ms applies. data: the first match, absent when"
            + " nothing matches.\n"
            + "- count_documents: query {catalog, filter}; only max_time_ms applies. data: integer.\n"
            + "- estimated_document_count: query {catalog}. data: integer from the collection metadata.\n"
            + "- aggregate: query {catalog, pipeline}; kwargs allowDiskUse (default true), max_time_ms."
            + " $out, $merge, $unionWith and server-side JavaScript are rejected at any depth, and $lookup or"
            + " $graphLookup of users, filters or queries is for the admin only. data: array.\n"
            + "- cone_search: query {object_coordinates: {radec, cone_search_radius, cone_search_unit"
            + " (arcsec|arcmin|deg|rad)}, catalogs: {<catalog>: {filter?, projection?}}}; kwargs filter_first,"
            + " skip, limit, sort, hint, max_time_ms (per catalog and object). data: {catalog: {object name:"
            + " [documents]}}.\n"
            + "- near: query {radec, catalogs, min_distance (default 0), max_distance (default 1 arcmin in"
            + " radians), distance_units (default rad, applied to both)}; kwargs as cone_search. data as"
            + " cone_search, nearest first.\n"
            + "- info: query {command: catalog_names | catalog_info | index_info | db_info, catalog?}."
            + " catalog_names lists the collections a user may query, in descending order; catalog_info is"
            + " collStats, index_info the indexes keyed by name, db_info dbStats.\n"
            + "- skymap: query {skymap: {localization_name, dateobs? (YYYY-MM-DDTHH:MM:SS[.ffffff], UTC),"
            + " trigger_id?, aliases?, contour? (default 90)}, catalog, filter, projection?}; kwargs as find."
            + " data: the documents inside the stored contour.\n"
            + "- drop: query {catalog}; admin only. No data.\n\n"
            + "radec forms: {\"name\": [ra, dec]} (results keyed by name, dots replaced by _), [[ra, dec], ...]"
            + " (keyed by Python's str() of each pair, such as \"[71_6577756, -10_2263957]\"), \"ra dec\","
            + " and sexagesimal strings \"HH:MM:SS.s\"/\"±DD:MM:SS.s\" or \"HHhMMmSS.Ss\"/\"±DDdMMmSS.Ss\"."
            + " Degrees: RA in [0, 360], Dec in [-90, 90]. filter, projection, pipeline and radec may also be"
            + " Python literal strings. Only the admin may name the users, filters and queries collections.";

    static final String FIND = "{\"query_type\": \"find\", \"query\": {\"catalog\": \"ZTF_alerts\", \"filter\":"
            + " {\"candid\": 1127561445515015011}, \"projection\": {\"_id\": 0, \"objectId\": 1, \"candid\": 1}},"
            + " \"kwargs\": {\"limit\": 10, \"sort\": [[\"candidate.jd\", -1]]}}";

    static final String FIND_ONE = "{\"query_type\": \"find_one\", \"query\": {\"catalog\": \"ZTF_alerts\","
            + " \"filter\": {\"objectId\": \"ZTF17aadcvhq\"}}}";

    static final String COUNT = "{\"query_type\": \"count_documents\", \"query\": {\"catalog\": \"ZTF_alerts\","
            + " \"filter\": {\"candidate.drb\": {\"$gt\": 0.9}}}}";

    static final String ESTIMATED_COUNT =
            "{\"query_type\": \"estimated_document_count\", \"query\": {\"catalog\": \"ZTF_alerts\"}}";

    static final String AGGREGATE = "{\"query_type\": \"aggregate\", \"query\": {\"catalog\": \"ZTF_alerts\","
            + " \"pipeline\": [{\"$match\": {\"candid\": 1127561445515015011}}, {\"$project\": {\"_id\": 0,"
            + " \"candid\": 1, \"candidate.jd\": 1}}]}, \"kwargs\": {\"max_time_ms\": 2000}}";

    static final String CONE_SEARCH = "{\"query_type\": \"cone_search\", \"query\": {\"object_coordinates\":"
            + " {\"cone_search_radius\": 2, \"cone_search_unit\": \"arcsec\", \"radec\": {\"object1\":"
            + " [71.6577756, -10.2263957]}}, \"catalogs\": {\"ZTF_alerts\": {\"filter\": {}, \"projection\":"
            + " {\"_id\": 0, \"candid\": 1, \"objectId\": 1}}}}, \"kwargs\": {\"filter_first\": false}}";

    static final String NEAR = "{\"query_type\": \"near\", \"query\": {\"max_distance\": 30, \"min_distance\":"
            + " 0.1, \"distance_units\": \"arcsec\", \"radec\": {\"object1\": [71.6577756, -10.2263957]},"
            + " \"catalogs\": {\"ZTF_alerts\": {\"filter\": {}, \"projection\": {\"objectId\": 1}}}},"
            + " \"kwargs\": {\"limit\": 1}}";

    static final String INFO = "{\"query_type\": \"info\", \"query\": {\"command\": \"catalog_names\"}}";

    static final String SKYMAP = "{\"query_type\": \"skymap\", \"query\": {\"skymap\": {\"localization_name\":"
            + " \"90.00000_30.00000_10.00000\", \"dateobs\": \"2023-06-23T15:42:26.000\", \"contour\": 90},"
            + " \"catalog\": \"ZTF_alerts\", \"filter\": {}, \"projection\": {\"objectId\": 1}}}";

    static final String DROP = "{\"query_type\": \"drop\", \"query\": {\"catalog\": \"scratch\"}}";
}
