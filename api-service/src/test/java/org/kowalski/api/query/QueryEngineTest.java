package org.kowalski.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.ApiCalls;
import org.kowalski.api.testing.RunningApi;
import org.kowalski.api.testing.SkyMath;
import org.kowalski.api.testing.ZtfArchive;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The query types of {@code POST /api/queries} on the ZTF sample alerts, including the query tests of
 * the Python original (cone search, find_one, find, aggregate, info, count, estimated count, near,
 * invalid token) with the values checked against the loaded alerts.
 */
class QueryEngineTest {

    private static final String CATALOG = "ZTF_alerts";
    private static final double OBJECT1_RA = 71.6577756;
    private static final double OBJECT1_DEC = -10.2263957;

    private static RunningApi api;
    private static ApiCalls calls;
    private static String admin;
    private static String user;
    private static List<Document> alerts;

    @BeforeAll
    static void loadAlerts() {
        api = RunningApi.shared();
        calls = new ApiCalls(api);
        alerts = ZtfArchive.load(api.bean(MongoDatabase.class), CATALOG);
        admin = api.adminToken();
        user = api.tokenFor("query_test_user");
    }

    static Document query(String type, Document query, Document kwargs) {
        Document body = new Document("query_type", type).append("query", query);
        if (kwargs != null) {
            body.append("kwargs", kwargs);
        }
        return body;
    }

    private static ApiCalls.Response ok(String token, Document body) {
        ApiCalls.Response response = calls.query(token, body);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.body().getString("status")).isEqualTo("success");
        assertThat(response.body().getString("message")).isEqualTo("Successfully executed query");
        return response;
    }

    private static ApiCalls.Response rejected(String token, Document body, int status) {
        ApiCalls.Response response = calls.query(token, body);
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.body().getString("status")).isEqualTo("error");
        return response;
    }

    private static List<Long> candidsWithin(double raDeg, double decDeg, double minDeg, double maxDeg) {
        return alerts.stream()
                .filter(alert -> {
                    Document candidate = (Document) alert.get("candidate");
                    double distance =
                            SkyMath.distanceDeg(raDeg, decDeg, candidate.getDouble("ra"), candidate.getDouble("dec"));
                    return distance >= minDeg && distance <= maxDeg;
                })
                .map(alert -> alert.getLong("candid"))
                .sorted()
                .toList();
    }

    private static String objectIdOf(long candid) {
        return alerts.stream()
                .filter(alert -> alert.getLong("candid") == candid)
                .map(alert -> alert.getString("objectId"))
                .findFirst()
                .orElseThrow();
    }

    private static List<Long> candids(List<Document> documents) {
        return documents.stream()
                .map(document -> document.getLong("candid"))
                .sorted()
                .toList();
    }

    @Test
    void coneSearchMatchesBruteForce() {
        Document body = query(
                "cone_search",
                new Document(
                                "object_coordinates",
                                new Document("cone_search_radius", 2)
                                        .append("cone_search_unit", "arcsec")
                                        .append("radec", new Document("object1", List.of(OBJECT1_RA, OBJECT1_DEC))))
                        .append(
                                "catalogs",
                                new Document(
                                        CATALOG,
                                        new Document("filter", new Document())
                                                .append(
                                                        "projection",
                                                        new Document("_id", 0)
                                                                .append("candid", 1)
                                                                .append("objectId", 1)))),
                new Document("filter_first", false));
        Document data = ok(user, body).body().get("data", Document.class);
        List<Document> matches = data.get(CATALOG, Document.class).getList("object1", Document.class);

        List<Long> expected = candidsWithin(OBJECT1_RA, OBJECT1_DEC, 0, 2.0 / 3600);
        assertThat(expected).isNotEmpty();
        assertThat(candids(matches)).isEqualTo(expected);
        assertThat(matches.get(0).keySet()).containsExactlyInAnyOrder("candid", "objectId");
    }

    @Test
    void findOneWithRawTokenAndUnknownKwarg() {
        Document body = query(
                "find_one",
                new Document("catalog", CATALOG).append("filter", new Document()),
                new Document("save", true));
        Document data = ok(admin, body).body().get("data", Document.class);
        assertThat(data.get("candid")).isInstanceOf(Long.class);
        assertThat(data.get("_id")).isInstanceOf(org.bson.types.ObjectId.class);
    }

    @Test
    void findOneWithoutMatchHasNoData() {
        Document body =
                query("find_one", new Document("catalog", CATALOG).append("filter", new Document("candid", -1)), null);
        assertThat(ok(user, body).body()).doesNotContainKey("data");
    }

    @Test
    void findWithNegativeCandidIsEmpty() {
        Document body = query(
                "find",
                new Document("catalog", CATALOG)
                        .append("filter", new Document("candid", new Document("$lt", 0)))
                        .append("projection", new Document("_id", 0).append("candid", 1)),
                new Document("limit", 1).append("save", true));
        assertThat(ok(user, body).body().getList("data", Object.class)).isEmpty();
    }

    @Test
    void candidRoundTripsDigitForDigit() {
        long candid = 1127561444715015009L;
        Document body = query(
                "find",
                new Document("catalog", CATALOG)
                        .append("filter", new Document("candid", candid))
                        .append("projection", new Document("_id", 0).append("candid", 1)),
                null);
        ApiCalls.Response response = ok(user, body);
        assertThat(response.text()).contains("\"candid\": 1127561444715015009}");
        assertThat(response.body().getList("data", Document.class))
                .extracting(document -> document.get("candid"))
                .containsExactly(candid);
    }

    @Test
    void aggregateFindsAcceptanceCandid() {
        Document body = query(
                "aggregate",
                new Document("catalog", CATALOG)
                        .append(
                                "pipeline",
                                List.of(
                                        new Document("$match", new Document("candid", 1127561445515015011L)),
                                        new Document(
                                                "$project",
                                                new Document("_id", 0)
                                                        .append("candid", 1)
                                                        .append("objectId", 1)))),
                new Document("max_time_ms", 2000));
        List<Document> data = ok(user, body).body().getList("data", Document.class);
        assertThat(data).hasSize(1);
        assertThat(data.get(0).getLong("candid")).isEqualTo(1127561445515015011L);
        assertThat(data.get(0).getString("objectId")).isEqualTo(objectIdOf(1127561445515015011L));
    }

    @Test
    void catalogNamesHideSystemCollectionsInDescendingOrder() {
        List<String> names = ok(user, query("info", new Document("command", "catalog_names"), null))
                .body()
                .getList("data", String.class);
        assertThat(names).contains(CATALOG, "ZTF_alerts_aux", "skymaps");
        assertThat(names).doesNotContain("users", "filters", "queries");
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(Comparator.reverseOrder());
        assertThat(names).isEqualTo(sorted);
    }

    @Test
    void countDocumentsIsExact() {
        Document negative = query(
                "count_documents",
                new Document("catalog", CATALOG).append("filter", new Document("candid", new Document("$lt", 0))),
                null);
        assertThat(ok(user, negative).body().get("data")).isEqualTo(0);

        Document all =
                query("count_documents", new Document("catalog", CATALOG).append("filter", new Document()), null);
        long stored = Mono.from(
                        api.bean(MongoDatabase.class).getCollection(CATALOG).countDocuments())
                .block(Duration.ofSeconds(30));
        assertThat(((Number) ok(user, all).body().get("data")).longValue()).isEqualTo(stored);
        assertThat(stored).isGreaterThanOrEqualTo(alerts.size());
    }

    @Test
    void estimatedDocumentCountMatchesCount() {
        Document body = query("estimated_document_count", new Document("catalog", CATALOG), null);
        long stored = Mono.from(
                        api.bean(MongoDatabase.class).getCollection(CATALOG).countDocuments())
                .block(Duration.ofSeconds(30));
        assertThat(((Number) ok(user, body).body().get("data")).longValue()).isEqualTo(stored);
    }

    @Test
    void nearMatchesBruteForceNearestFirst() {
        Document body = query(
                "near",
                new Document("max_distance", 30)
                        .append("min_distance", 0.1)
                        .append("distance_units", "arcsec")
                        .append("radec", new Document("object1", List.of(OBJECT1_RA, OBJECT1_DEC)))
                        .append(
                                "catalogs",
                                new Document(
                                        CATALOG,
                                        new Document("filter", new Document())
                                                .append(
                                                        "projection",
                                                        new Document("objectId", 1)
                                                                .append("candid", 1)
                                                                .append("candidate.ra", 1)
                                                                .append("candidate.dec", 1)))),
                null);
        Document data = ok(user, body).body().get("data", Document.class);
        List<Document> matches = data.get(CATALOG, Document.class).getList("object1", Document.class);
        assertThat(candids(matches)).isEqualTo(candidsWithin(OBJECT1_RA, OBJECT1_DEC, 0.1 / 3600, 30.0 / 3600));

        List<Double> distances = matches.stream()
                .map(match -> match.get("candidate", Document.class))
                .map(candidate -> SkyMath.distanceDeg(
                        OBJECT1_RA, OBJECT1_DEC, candidate.getDouble("ra"), candidate.getDouble("dec")))
                .toList();
        assertThat(distances).isSorted();
    }

    @Test
    void invalidTokenIs400() {
        ApiCalls.Response response =
                calls.query("no_token", query("info", new Document("command", "catalog_names"), null));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(new Document("status", "error").append("message", "token is invalid"));
    }

    @Test
    void replyKeepsBsonTypes() {
        MongoDatabase database = api.bean(MongoDatabase.class);
        Document stored = new Document("_id", new org.bson.types.ObjectId("65a1b2c3d4e5f60718293a4b"))
                .append("nan", Double.NaN)
                .append("inf", Double.NEGATIVE_INFINITY)
                .append("when", new java.util.Date(1697100000123L))
                .append("bytes", new org.bson.types.Binary(new byte[] {1, 2, 3}))
                .append("big", 1127561445515015011L)
                .append("small", 1.5e-7);
        Mono.from(database.getCollection("bson_types").drop()).block(Duration.ofSeconds(30));
        Mono.from(database.getCollection("bson_types").insertOne(stored)).block(Duration.ofSeconds(30));

        ApiCalls.Response response =
                ok(user, query("find", new Document("catalog", "bson_types").append("filter", new Document()), null));
        assertThat(response.text())
                .contains("\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}")
                .contains("\"nan\": {\"$numberDouble\": \"NaN\"}")
                .contains("\"inf\": {\"$numberDouble\": \"-Infinity\"}")
                .contains("\"when\": {\"$date\": \"2023-10-12T08:40:00.123Z\"}")
                .contains("\"bytes\": {\"$binary\": {\"base64\": \"AQID\", \"subType\": \"00\"}}")
                .contains("\"big\": 1127561445515015011")
                .contains("\"small\": 1.5e-07");
        assertThat(response.body().getList("data", Document.class).get(0)).isEqualTo(stored);
    }

    @Test
    void pythonLiteralFilterAndProjection() {
        Document body = query(
                "find",
                new Document("catalog", CATALOG)
                        .append("filter", "{'candid': 1127561445515015011, 'candidate.jd': {'$gt': 0}}")
                        .append("projection", "{'_id': False, 'objectId': True}"),
                null);
        List<Document> data = ok(user, body).body().getList("data", Document.class);
        assertThat(data).containsExactly(new Document("objectId", objectIdOf(1127561445515015011L)));

        Document json = query("find", new Document("catalog", CATALOG).append("filter", "{'a': true}"), null);
        assertThat(rejected(user, json, 400).body().getString("message")).contains("Python literal");
    }

    @Test
    void unknownQueryTypeListsTypes() {
        ApiCalls.Response response = rejected(user, query("schemas", new Document("catalog", CATALOG), null), 400);
        assertThat(response.body().getString("message"))
                .isEqualTo("KeyError: \"query_type schemas not in ('cone_search', 'count_documents',"
                        + " 'estimated_document_count', 'find', 'find_one', 'aggregate', 'info', 'near', 'drop',"
                        + " 'skymap')\"");
    }

    @Test
    void kwargsAreValidated() {
        Document base = new Document("catalog", CATALOG).append("filter", new Document());
        assertThat(rejected(user, query("find", base, new Document("limit", 1.0)), 400)
                        .body()
                        .getString("message"))
                .startsWith("TypeError: limit must be an instance of int");
        assertThat(rejected(user, query("find", base, new Document("max_time_ms", 0)), 400)
                        .body()
                        .getString("message"))
                .startsWith("ValueError: max_time_ms must be int >= 1");
        assertThat(rejected(user, query("find", base, new Document("sort", "candid")), 400)
                        .body()
                        .getString("message"))
                .contains("kwargs.sort");
        assertThat(rejected(user, query("find", new Document("catalog", CATALOG), null), 400)
                        .body()
                        .getString("message"))
                .contains("Unsupported filter specification");
    }

    @Test
    void sortSkipAndLimitApply() {
        Document body = query(
                "find",
                new Document("catalog", CATALOG)
                        .append("filter", new Document())
                        .append("projection", new Document("_id", 0).append("candid", 1)),
                new Document("sort", List.of(List.of("candid", -1)))
                        .append("skip", 1)
                        .append("limit", 3));
        List<Long> stored = Flux.from(api.bean(MongoDatabase.class)
                        .getCollection(CATALOG)
                        .find()
                        .projection(new Document("candid", 1)))
                .map(document -> document.getLong("candid"))
                .collectList()
                .block(Duration.ofSeconds(30));
        List<Long> expected = stored.stream()
                .sorted(Comparator.reverseOrder())
                .skip(1)
                .limit(3)
                .toList();
        List<Long> actual = ok(user, body).body().getList("data", Document.class).stream()
                .map(document -> document.getLong("candid"))
                .toList();
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void findHasDefaultAndMaximumLimit() {
        MongoDatabase database = api.bean(MongoDatabase.class);
        int defaultLimit = api.config().server().findDefaultLimit();
        int maxLimit = api.config().server().findMaxLimit();
        Mono.from(database.getCollection("many_rows").drop()).block(Duration.ofSeconds(30));
        List<Document> rows = new ArrayList<>();
        for (int i = 0; i < defaultLimit + 50; i++) {
            rows.add(new Document("i", i));
        }
        Mono.from(database.getCollection("many_rows").insertMany(rows)).block(Duration.ofSeconds(60));

        Document find = new Document("catalog", "many_rows").append("filter", new Document());
        assertThat(ok(user, query("find", find, null)).body().getList("data", Object.class))
                .hasSize(defaultLimit);
        assertThat(ok(user, query("find", find, new Document("limit", 0)))
                        .body()
                        .getList("data", Object.class))
                .hasSize(defaultLimit + 50);
        ApiCalls.Response tooMany = rejected(user, query("find", find, new Document("limit", maxLimit + 1)), 400);
        assertThat(tooMany.body().getString("message")).contains("server.find_max_limit");
    }

    @Test
    void indexInfoListsKeyPairs() {
        Document data = ok(user, query("info", new Document("command", "index_info").append("catalog", CATALOG), null))
                .body()
                .get("data", Document.class);
        Document candidIndex = data.get("candid", Document.class);
        assertThat(candidIndex.getList("key", Object.class)).containsExactly(List.of("candid", -1));
        assertThat(candidIndex.getBoolean("unique")).isTrue();
        assertThat(candidIndex).doesNotContainKey("name");
    }

    @Test
    void catalogAndDatabaseInfo() {
        Document catalogInfo = ok(
                        user, query("info", new Document("command", "catalog_info").append("catalog", CATALOG), null))
                .body()
                .get("data", Document.class);
        assertThat(catalogInfo).containsKey("count");
        Document dbInfo = ok(user, query("info", new Document("command", "db_info"), null))
                .body()
                .get("data", Document.class);
        assertThat(dbInfo).containsKey("collections");

        ApiCalls.Response unknown = rejected(user, query("info", new Document("command", "stats"), null), 400);
        assertThat(unknown.body().getString("message"))
                .isEqualTo("KeyError: \"command stats not in ('catalog_names', 'catalog_info', 'index_info',"
                        + " 'db_info')\"");
    }

    @Test
    void dropIsAdminOnly() {
        MongoDatabase database = api.bean(MongoDatabase.class);
        Mono.from(database.getCollection("scratch_drop").insertOne(new Document("x", 1)))
                .block(Duration.ofSeconds(30));

        // The original let any user drop any collection but users, filters and queries.
        ApiCalls.Response forbidden = rejected(user, query("drop", new Document("catalog", "scratch_drop"), null), 403);
        assertThat(forbidden.body().getString("message")).contains("only the admin");

        ApiCalls.Response dropped = calls.query(admin, query("drop", new Document("catalog", "scratch_drop"), null));
        assertThat(dropped.status()).isEqualTo(200);
        assertThat(dropped.body())
                .isEqualTo(new Document("status", "success").append("message", "Successfully dropped collection"));
        List<String> names =
                Flux.from(database.listCollectionNames()).collectList().block(Duration.ofSeconds(30));
        assertThat(names).doesNotContain("scratch_drop");
    }
}
