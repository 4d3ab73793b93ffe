package org.kowalski.api.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;
import org.bson.json.JsonReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.RunningApi;
import org.kowalski.api.testing.ZtfArchive;
import org.kowalski.common.sky.Coordinates;
import reactor.core.publisher.Mono;

/**
 * Plays the requests penquins 2.4.2 sends, with a plain HTTP client and the headers and bodies
 * penquins writes, and decodes every reply as relaxed Extended JSON as penquins does with
 * {@code bson.json_util.loads}. Two "instances" point at the same server through {@code localhost} and
 * {@code 127.0.0.1} with one token, as penquins' own tests do, so the server must not tie tokens to the
 * host name.
 */
class PenquinsConformanceTest {

    private static final String PENQUINS_VERSION = "2.4.2";
    private static final String OTHER_CATALOG = "PENQUINS_test_catalog";

    private static RunningApi api;
    private static HttpClient http;
    private static Map<String, String> instances;
    private static String token;
    private static List<Document> alerts;

    @BeforeAll
    static void authenticate() throws Exception {
        api = RunningApi.shared();
        MongoDatabase database = api.bean(MongoDatabase.class);
        alerts = ZtfArchive.load(database, "ZTF_alerts");
        Mono.from(database.getCollection(OTHER_CATALOG).drop()).block(Duration.ofSeconds(30));
        Mono.from(database.getCollection(OTHER_CATALOG)
                        .insertOne(new Document("_id", "src1")
                                .append("nan_value", Double.NaN)
                                .append(
                                        "coordinates",
                                        new Document(
                                                "radec_geojson", Coordinates.geoJsonPoint(68.578209, 49.0871395)))))
                .block(Duration.ofSeconds(30));

        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int port = URI.create(api.baseUrl()).getPort();
        instances = new LinkedHashMap<>();
        instances.put("default", "http://localhost:" + port);
        instances.put("test", "http://127.0.0.1:" + port);

        Reply auth = send(
                "default",
                "POST",
                "/api/auth",
                null,
                "{\"username\": \"admin\", \"password\": \"admin\"," + " \"penquins.__version__\": \""
                        + PENQUINS_VERSION + "\"}");
        assertThat(auth.status()).isEqualTo(200);
        token = auth.body().getString("token");
        assertThat(token).isNotBlank();
    }

    private record Reply(int status, Document body) {}

    /** Sends a request as penquins' requests session does and decodes the reply with a relaxed Extended JSON reader. */
    private static Reply send(String instance, String method, String path, String authorization, String json)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(instances.get(instance) + path))
                .timeout(Duration.ofSeconds(120))
                .header("User-Agent", "python-requests/2.32.3")
                .header("Accept", "*/*")
                .header("Accept-Encoding", "gzip, deflate");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Content-Type").orElse(""))
                .as(method + " " + path)
                .startsWith("application/json");
        Document body = new DocumentCodec()
                .decode(
                        new JsonReader(response.body()),
                        DecoderContext.builder().build());
        return new Reply(response.statusCode(), body);
    }

    private static Document query(String instance, String json) throws Exception {
        Reply reply = send(instance, "POST", "/api/queries", token, json);
        assertThat(reply.status()).as(json + " -> " + reply.body()).isEqualTo(200);
        assertThat(reply.body().getString("status")).isEqualTo("success");
        assertThat(reply.body().getString("message")).isEqualTo("Successfully executed query");
        return reply.body();
    }

    private static List<String> catalogNames(String instance) throws Exception {
        return query(instance, "{\"query_type\": \"info\", \"query\": {\"command\": \"catalog_names\"}}")
                .getList("data", String.class);
    }

    @Test
    void pingWithBareToken() throws Exception {
        assertThat(send("default", "GET", "/", token, null).status()).isEqualTo(200);
        assertThat(send("test", "GET", "/", token, null).status()).isEqualTo(200);
        assertThat(send("default", "GET", "/", "not-a-token", null).status()).isNotEqualTo(200);
    }

    @Test
    void authFailuresAreJson() throws Exception {
        Reply wrong = send(
                "default",
                "POST",
                "/api/auth",
                null,
                "{\"username\": \"admin\", \"password\": \"nope\"," + " \"penquins.__version__\": \"" + PENQUINS_VERSION
                        + "\"}");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().getString("message")).isEqualTo("Unauthorized");

        Reply badToken = send(
                "default",
                "POST",
                "/api/queries",
                "bad.token.value",
                "{\"query_type\": \"info\", \"query\": {\"command\": \"catalog_names\"}}");
        assertThat(badToken.status()).isEqualTo(400);
        assertThat(badToken.body().getString("message")).isEqualTo("token is invalid");
        assertThat(badToken.body()).doesNotContainKey("data");
    }

    @Test
    void multiInstanceCatalogDiscoveryAndRouting() throws Exception {
        List<String> defaultCatalogs = catalogNames("default");
        List<String> testCatalogs = catalogNames("test");
        assertThat(defaultCatalogs).contains("ZTF_alerts", OTHER_CATALOG).doesNotContain("users", "filters", "queries");
        assertThat(testCatalogs).isEqualTo(defaultCatalogs);

        // penquins splits a multi-catalog cone search into one request per instance with its catalogs only.
        String radec = "{\"ZTF18abacqpw\": [68.578209, 49.0871395]}";
        Document toDefault = query(
                "default",
                "{\"query_type\": \"cone_search\", \"query\": {\"object_coordinates\":"
                        + " {\"cone_search_radius\": 2, \"cone_search_unit\": \"arcsec\", \"radec\": " + radec + "},"
                        + " \"catalogs\": {\"ZTF_alerts\": {\"filter\": {}, \"projection\": {\"_id\": 0, \"candid\": 1}}}},"
                        + " \"kwargs\": {\"filter_first\": false}}");
        Document toTest = query(
                "test",
                "{\"query_type\": \"cone_search\", \"query\": {\"object_coordinates\":"
                        + " {\"cone_search_radius\": 2, \"cone_search_unit\": \"arcsec\", \"radec\": " + radec + "},"
                        + " \"catalogs\": {\"" + OTHER_CATALOG + "\": {\"filter\": {}, \"projection\": {}}}}}");
        assertThat(toDefault.get("data", Document.class).keySet()).containsExactly("ZTF_alerts");
        assertThat(toTest.get("data", Document.class).keySet()).containsExactly(OTHER_CATALOG);
        List<Document> sources = toTest.get("data", Document.class)
                .get(OTHER_CATALOG, Document.class)
                .getList("ZTF18abacqpw", Document.class);
        assertThat(sources).hasSize(1);
        assertThat((Double) sources.get(0).get("nan_value")).isNaN();
    }

    @Test
    void everyQueryType() throws Exception {
        long candid = 1127561445515015011L;
        String ztf = "\"catalog\": \"ZTF_alerts\"";

        List<Document> found = query(
                        "default",
                        "{\"query_type\": \"find\", \"query\": {" + ztf + ", \"filter\":"
                                + " {\"candid\": " + candid
                                + "}, \"projection\": {\"_id\": 0, \"candid\": 1, \"objectId\": 1}},"
                                + " \"kwargs\": {\"limit\": 1, \"save\": true, \"_id\": \"abcdefghijklmnopqrstuvwxyz012345\"}}")
                .getList("data", Document.class);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("candid")).isEqualTo(candid);

        Document one = query("default", "{\"query_type\": \"find_one\", \"query\": {" + ztf + ", \"filter\": {}}}")
                .get("data", Document.class);
        assertThat(one).containsKeys("candid", "objectId", "candidate", "coordinates");
        assertThat(one.get("_id")).isInstanceOf(org.bson.types.ObjectId.class);

        Object count = query(
                        "default",
                        "{\"query_type\": \"count_documents\", \"query\": {" + ztf + ", \"filter\":"
                                + " {\"candid\": {\"$lt\": 0}}}}")
                .get("data");
        assertThat(count).isEqualTo(0);

        Number estimated =
                (Number) query("default", "{\"query_type\": \"estimated_document_count\", \"query\": {" + ztf + "}}")
                        .get("data");
        assertThat(estimated.longValue()).isGreaterThanOrEqualTo(alerts.size());

        List<Document> aggregated = query(
                        "default",
                        "{\"query_type\": \"aggregate\", \"query\": {" + ztf + ","
                                + " \"pipeline\": [{\"$match\": {\"candid\": " + candid
                                + "}}, {\"$project\": {\"_id\": 0,"
                                + " \"candid\": 1}}]}, \"kwargs\": {\"max_time_ms\": 2000}}")
                .getList("data", Document.class);
        assertThat(aggregated).containsExactly(new Document("candid", candid));

        Document near = query(
                        "default",
                        "{\"query_type\": \"near\", \"query\": {\"max_distance\": 30,"
                                + " \"min_distance\": 0, \"distance_units\": \"arcsec\", \"radec\": [[68.578209, 49.0871395]],"
                                + " \"catalogs\": {\"" + OTHER_CATALOG
                                + "\": {\"filter\": {}, \"projection\": {\"_id\": 1}}}}}")
                .get("data", Document.class);
        assertThat(near.get(OTHER_CATALOG, Document.class).getList("[68_578209, 49_0871395]", Document.class))
                .containsExactly(new Document("_id", "src1"));

        Document indexes = query(
                        "default", "{\"query_type\": \"info\", \"query\": {\"command\": \"index_info\", " + ztf + "}}")
                .get("data", Document.class);
        assertThat(indexes).containsKey("_id_");
        assertThat(query(
                        "default",
                        "{\"query_type\": \"info\", \"query\": {\"command\": \"catalog_info\", " + ztf + "}}"))
                .containsKey("data");
        assertThat(query("default", "{\"query_type\": \"info\", \"query\": {\"command\": \"db_info\"}}"))
                .containsKey("data");
    }

    @Test
    void skymapQueryAndMissingContour() throws Exception {
        // A square contour around the source, in [ra - 180, dec] degrees, as the skymap route stores it.
        double lon = 68.578209 - 180;
        double lat = 49.0871395;
        List<List<Double>> ring = List.of(
                List.of(lon - 2, lat - 1),
                List.of(lon + 2, lat - 1),
                List.of(lon + 2, lat + 1),
                List.of(lon - 2, lat + 1),
                List.of(lon - 2, lat - 1));
        Document skymap = new Document("dateobs", java.util.Date.from(java.time.Instant.parse("2023-06-23T15:42:26Z")))
                .append("localization_name", "penquins_square")
                .append("aliases", List.of())
                .append(
                        "contours",
                        new Document(
                                "contour90",
                                new Document("type", "MultiPolygon").append("coordinates", List.of(List.of(ring)))));
        var skymaps = api.bean(MongoDatabase.class).getCollection("skymaps");
        Mono.from(skymaps.deleteMany(new Document("localization_name", "penquins_square")))
                .block(Duration.ofSeconds(30));
        Mono.from(skymaps.insertOne(skymap)).block(Duration.ofSeconds(30));

        String query = "{\"query_type\": \"skymap\", \"query\": {\"skymap\": {\"localization_name\":"
                + " \"penquins_square\", \"dateobs\": \"2023-06-23T15:42:26.000\", \"contour\": %d},"
                + " \"catalog\": \"" + OTHER_CATALOG + "\", \"filter\": {}, \"projection\": {\"_id\": 1}}}";
        List<Document> inside = query("default", String.format(query, 90)).getList("data", Document.class);
        assertThat(inside).containsExactly(new Document("_id", "src1"));

        Reply missing = send("default", "POST", "/api/queries", token, String.format(query, 20));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().getString("message")).isEqualTo("ValueError: Contour level 20 not found in skymap");
    }

    @Test
    void dropByAdmin() throws Exception {
        MongoDatabase database = api.bean(MongoDatabase.class);
        Mono.from(database.getCollection("penquins_scratch").insertOne(new Document("x", 1)))
                .block(Duration.ofSeconds(30));
        Reply reply = send(
                "default",
                "POST",
                "/api/queries",
                token,
                "{\"query_type\": \"drop\", \"query\": {\"catalog\": \"penquins_scratch\"}}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body())
                .isEqualTo(new Document("status", "success").append("message", "Successfully dropped collection"));
        assertThat(catalogNames("default")).doesNotContain("penquins_scratch");
    }

    @Test
    void userErrorsAre400NotRetried() throws Exception {
        // penquins retries 405, 429 and 5xx; every mistake below must be a 4xx JSON reply it does not retry.
        List<String> bodies = new ArrayList<>(List.of(
                "{\"query_type\": \"find\", \"query\": {\"catalog\": \"ZTF_alerts\"}}",
                "{\"query_type\": \"find\", \"query\": {\"catalog\": \"ZTF_alerts\", \"filter\": {\"$bad\": 1}}}",
                "{\"query_type\": \"cone_search\", \"query\": {\"object_coordinates\": {\"cone_search_radius\": 2,"
                        + " \"cone_search_unit\": \"arcsec\", \"radec\": {\"a\": [10, 100]}}, \"catalogs\":"
                        + " {\"ZTF_alerts\": {}}}}",
                "[1, 2]",
                "not json"));
        for (String body : bodies) {
            Reply reply = send("default", "POST", "/api/queries", token, body);
            assertThat(reply.status()).as(body + " -> " + reply.body()).isEqualTo(400);
            assertThat(reply.body().getString("status")).isEqualTo("error");
            assertThat(reply.body().getString("message")).isNotBlank();
        }
    }
}
