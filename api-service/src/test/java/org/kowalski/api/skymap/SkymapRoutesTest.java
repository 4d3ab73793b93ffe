package org.kowalski.api.skymap;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoDatabase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.RunningApi;
import org.kowalski.api.testing.ZtfArchive;
import org.kowalski.common.sky.Coordinates;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Skymap upload, look-up and deletion through {@code /api/skymap}, against the running API. */
class SkymapRoutesTest {

    private static final String DATEOBS = "2023-06-23T15:42:26";
    private static final String CONE_NAME = "90.00000_30.00000_10.00000";

    private static RunningApi api;
    private static WebTestClient client;
    private static String token;
    private static List<Document> alerts;

    @BeforeAll
    static void startApi() {
        api = RunningApi.shared();
        client = api.client();
        token = api.adminToken();
        alerts = ZtfArchive.load(api.bean(MongoDatabase.class), "ZTF_alerts");
    }

    private static WebTestClient.ResponseSpec send(HttpMethod method, String uri, String body, String authorization) {
        var request = client.method(method).uri(uri);
        if (authorization != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        if (body != null) {
            return request.contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange();
        }
        return request.exchange();
    }

    private static Document reply(WebTestClient.ResponseSpec response, int expectedStatus) {
        byte[] bytes = response.expectStatus()
                .isEqualTo(expectedStatus)
                .expectBody()
                .returnResult()
                .getResponseBodyContent();
        return Document.parse(new String(bytes, StandardCharsets.UTF_8));
    }

    private static String coneSkymap(String dateobs, double ra, double dec, double error, String contours) {
        return "{\"dateobs\": \"" + dateobs + "\", \"skymap\": {\"ra\": " + ra + ", \"dec\": " + dec + ", \"error\": "
                + error + "}, \"contours\": " + contours + "}";
    }

    @Test
    void coneSkymapLifecycle() {
        // Clear a skymap left by an earlier run, as the original's test does.
        String lookup = "/api/skymap?dateobs=" + DATEOBS + "&localization_name=" + CONE_NAME + "&contours=90";
        int status = send(HttpMethod.GET, lookup, null, token)
                .returnResult(byte[].class)
                .getStatus()
                .value();
        if (status == 200) {
            reply(
                    send(
                            HttpMethod.DELETE,
                            "/api/skymap",
                            new Document("dateobs", DATEOBS)
                                    .append("localization_name", CONE_NAME)
                                    .toJson(),
                            token),
                    200);
        }

        Document added =
                reply(send(HttpMethod.PUT, "/api/skymap", coneSkymap(DATEOBS, 90, 30, 10, "[90]"), token), 200);
        assertThat(added.getString("status")).isEqualTo("success");
        assertThat(added.getString("message")).isEqualTo("added skymap for 2023-06-23 15:42:26 with contours [90]");
        Document data = added.get("data", Document.class);
        assertThat(data.getString("dateobs")).isEqualTo(DATEOBS);
        assertThat(data.getString("localization_name")).isEqualTo(CONE_NAME);
        assertThat(data.getList("contours", Object.class)).containsExactly(90);

        Document updated =
                reply(send(HttpMethod.PUT, "/api/skymap", coneSkymap(DATEOBS, 90, 30, 10, "[95]"), token), 200);
        assertThat(updated.getString("message"))
                .isEqualTo("updated skymap for 2023-06-23 15:42:26 to add contours [95]");
        assertThat(updated.get("data", Document.class).getList("contours", Object.class))
                .containsExactly(90, 95);

        Document again =
                reply(send(HttpMethod.PUT, "/api/skymap", coneSkymap(DATEOBS, 90, 30, 10, "[95]"), token), 409);
        assertThat(again.getString("status")).isEqualTo("already_exists");
        assertThat(again.getString("message")).isEqualTo("skymap already exists with the same contours");
        assertThat(again.get("data", Document.class).getList("contours", Object.class))
                .containsExactly(90, 95);

        Document found = reply(send(HttpMethod.GET, lookup, null, token), 200);
        assertThat(found.getString("status")).isEqualTo("success");
        Document skymap = found.get("data", Document.class);
        assertThat(skymap.getString("dateobs")).isEqualTo(DATEOBS);
        Document contours = skymap.get("contours", Document.class);
        assertThat(contours.keySet()).containsExactly("center", "contour90", "contour95");
        assertThat(contours.get("center", Document.class).getList("coordinates", Double.class))
                .containsExactly(-90.0, 30.0);

        // HEAD gets the same status as GET, without a body.
        send(HttpMethod.HEAD, lookup, null, token).expectStatus().isOk();

        // No sample alert lies within 25 degrees of (90, 30), so the 90% region (radius about 21.5 degrees) contains
        // none.
        assertThat(alertsInside(contours.get("contour90", Document.class), 90, 30))
                .isEmpty();
        assertThat(alertsWithin(90, 30, 21.0)).isEmpty();
        assertThat(skymapQuery(CONE_NAME, DATEOBS + ".000", 90)).isEmpty();

        Document deleted = reply(
                send(
                        HttpMethod.DELETE,
                        "/api/skymap",
                        new Document("dateobs", DATEOBS)
                                .append("localization_name", CONE_NAME)
                                .toJson(),
                        token),
                200);
        assertThat(deleted.getString("message")).isEqualTo("deleted 1 skymap");
        reply(send(HttpMethod.GET, lookup, null, token), 404);
    }

    @Test
    void contourSelectsSameAlertsAsCredibleRadius() {
        // A one-degree cone on the 20231012 field: its 90% region splits the 24 alerts of that night.
        String dateobs = "2023-10-12T10:24:45";
        Document added =
                reply(send(HttpMethod.PUT, "/api/skymap", coneSkymap(dateobs, 46.2, 9.0, 0.5, "[50, 90]"), token), 200);
        Document lookup = new Document("dateobs", dateobs).append("localization_name", "46.20000_9.00000_0.50000");
        assertThat(added.get("data", Document.class).getString("localization_name"))
                .isEqualTo("46.20000_9.00000_0.50000");

        Document skymap = reply(
                        send(
                                HttpMethod.GET,
                                "/api/skymap?dateobs=" + dateobs + "&localization_name=46.20000_9.00000_0.50000",
                                null,
                                token),
                        200)
                .get("data", Document.class);
        Document contours = skymap.get("contours", Document.class);
        for (int level : new int[] {50, 90}) {
            double radiusDeg = credibleRadiusDeg(0.5, level);
            List<Long> inside = alertsInside(contours.get("contour" + level, Document.class), 46.2, 9.0);
            List<Long> expected = alertsWithin(46.2, 9.0, radiusDeg);

            assertThat(inside)
                    .as("alerts inside the %d%% contour", level)
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(skymapQuery("46.20000_9.00000_0.50000", dateobs, level))
                    .as("skymap query on the %d%% contour", level)
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(expected).as("alerts within %.3f degrees", radiusDeg).isNotEmpty();
        }
        assertThat(alertsWithin(46.2, 9.0, credibleRadiusDeg(0.5, 90))).hasSizeLessThan(alerts.size());

        reply(send(HttpMethod.DELETE, "/api/skymap", lookup.toJson(), token), 200);
    }

    @Test
    void invalidRequestsGetClearErrors() {
        Document noContours = reply(
                send(
                        HttpMethod.PUT,
                        "/api/skymap",
                        "{\"dateobs\": \"" + DATEOBS + "\", \"skymap\": {\"ra\": 1, \"dec\": 2, \"error\": 3}}",
                        token),
                400);
        assertThat(noContours.getString("message")).startsWith("Missing contours");

        Document badDate =
                reply(send(HttpMethod.PUT, "/api/skymap", coneSkymap("2023-06-23 15:42", 1, 2, 3, "90"), token), 400);
        assertThat(badDate.getString("message")).contains("dateobs must be in the format YYYY-MM-DDTHH:MM:SS[.SSSSSS]");

        Document badForm = reply(
                send(
                        HttpMethod.PUT,
                        "/api/skymap",
                        "{\"dateobs\": \"" + DATEOBS + "\", \"skymap\": {\"foo\": 1}, \"contours\": 90}",
                        token),
                400);
        assertThat(badForm.getString("message")).startsWith("Invalid skymap data");

        Document url = reply(
                send(
                        HttpMethod.PUT,
                        "/api/skymap",
                        "{\"dateobs\": \"" + DATEOBS
                                + "\", \"skymap\": {\"url\": \"http://localhost/x.fits\"}, \"contours\": 90}",
                        token),
                400);
        assertThat(url.getString("message"))
                .startsWith("Invalid skymap.url http://localhost/x.fits: the server downloads skymaps only from the"
                        + " hosts in server.skymap_download_hosts; ask the administrator to add localhost");

        Document noLookup = reply(send(HttpMethod.GET, "/api/skymap?localization_name=x", null, token), 400);
        assertThat(noLookup.getString("message")).contains("must provide dateobs, triggerid, or alias");

        reply(send(HttpMethod.PUT, "/api/skymap", coneSkymap(DATEOBS, 90, 30, 10, "[90]"), null), 401);
        reply(send(HttpMethod.GET, "/api/skymap?dateobs=" + DATEOBS, null, null), 401);
    }

    @Test
    void onlyUploaderOrAdminDeletes() {
        String dateobs = "2024-01-01T00:00:00.5";
        String alice = api.tokenFor("alice");
        String bob = api.tokenFor("bob");
        reply(send(HttpMethod.PUT, "/api/skymap", coneSkymap(dateobs, 10, 10, 1, "90"), alice), 200);
        String lookup = new Document("dateobs", dateobs)
                .append("localization_name", "10.00000_10.00000_1.00000")
                .toJson();

        reply(send(HttpMethod.DELETE, "/api/skymap", lookup, bob), 404);
        Document deleted = reply(send(HttpMethod.DELETE, "/api/skymap", lookup, alice), 200);
        assertThat(deleted.getString("message")).isEqualTo("deleted 1 skymap");
    }

    /** Returns the candids that the query API's {@code skymap} query finds in a stored contour. */
    private static List<Long> skymapQuery(String localizationName, String dateobs, int level) {
        String query = "{\"query_type\": \"skymap\", \"query\": {\"skymap\": {\"localization_name\": \""
                + localizationName + "\", \"dateobs\": \"" + dateobs + "\", \"contour\": " + level + "},"
                + " \"catalog\": \"ZTF_alerts\", \"filter\": {}, \"projection\": {\"candid\": 1}}}";
        Document reply = reply(send(HttpMethod.POST, "/api/queries", query, token), 200);
        assertThat(reply.getString("status")).isEqualTo("success");
        return reply.getList("data", Document.class).stream()
                .map(document -> document.getLong("candid"))
                .toList();
    }

    /** Returns the candids of sample alerts within a distance of a position, by brute force. */
    private static List<Long> alertsWithin(double raDeg, double decDeg, double radiusDeg) {
        return alerts.stream()
                .filter(alert -> {
                    Document candidate = alert.get("candidate", Document.class);
                    return Coordinates.greatCircleDistanceDeg(
                                    raDeg, decDeg, candidate.getDouble("ra"), candidate.getDouble("dec"))
                            <= radiusDeg;
                })
                .map(alert -> alert.getLong("candid"))
                .toList();
    }

    /**
     * Returns the candids of sample alerts inside a stored MultiPolygon, by ray casting in the gnomonic
     * projection about the skymap centre (outer rings add, holes subtract).
     */
    private static List<Long> alertsInside(Document multiPolygon, double raDeg, double decDeg) {
        List<List<List<List<Double>>>> polygons = multiPolygon.getList("coordinates", Object.class).stream()
                .map(SkymapRoutesTest::<List<List<List<Double>>>>cast)
                .toList();
        return alerts.stream()
                .filter(alert -> {
                    Document candidate = alert.get("candidate", Document.class);
                    double[] point = gnomonic(candidate.getDouble("ra"), candidate.getDouble("dec"), raDeg, decDeg);
                    if (point == null) {
                        return false;
                    }
                    boolean inside = false;
                    for (List<List<List<Double>>> polygon : polygons) {
                        for (List<List<Double>> ring : polygon) {
                            if (ringContains(ring, point, raDeg, decDeg)) {
                                inside = !inside;
                            }
                        }
                    }
                    return inside;
                })
                .map(alert -> alert.getLong("candid"))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    private static boolean ringContains(List<List<Double>> ring, double[] point, double raDeg, double decDeg) {
        boolean inside = false;
        for (int i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
            double[] a = gnomonic(ring.get(i).get(0) + 180, ring.get(i).get(1), raDeg, decDeg);
            double[] b = gnomonic(ring.get(j).get(0) + 180, ring.get(j).get(1), raDeg, decDeg);
            if ((a[1] > point[1]) != (b[1] > point[1])
                    && point[0] < a[0] + (point[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1])) {
                inside = !inside;
            }
        }
        return inside;
    }

    /** Returns the gnomonic projection of a position about a centre, or null beyond 90 degrees. */
    private static double[] gnomonic(double raDeg, double decDeg, double centreRaDeg, double centreDecDeg) {
        double ra = Math.toRadians(raDeg - centreRaDeg);
        double dec = Math.toRadians(decDeg);
        double dec0 = Math.toRadians(centreDecDeg);
        double cosC = Math.sin(dec0) * Math.sin(dec) + Math.cos(dec0) * Math.cos(dec) * Math.cos(ra);
        if (cosC <= 0) {
            return null;
        }
        double x = Math.cos(dec) * Math.sin(ra) / cosC;
        double y = (Math.cos(dec0) * Math.sin(dec) - Math.sin(dec0) * Math.cos(dec) * Math.cos(ra)) / cosC;
        return new double[] {x, y};
    }

    /** Radius of a cut Gaussian's credible region on the sphere, by integrating its radial profile. */
    private static double credibleRadiusDeg(double sigmaDeg, double levelPercent) {
        int steps = 100_000;
        double cutDeg = 4 * sigmaDeg;
        double sigma = Math.toRadians(sigmaDeg);
        double[] cumulative = new double[steps + 1];
        for (int i = 1; i <= steps; i++) {
            double x = Math.toRadians(cutDeg * (i - 0.5) / steps);
            cumulative[i] = cumulative[i - 1] + Math.exp(-0.5 * (x / sigma) * (x / sigma)) * Math.sin(x);
        }
        for (int i = 1; i <= steps; i++) {
            if (cumulative[i] >= cumulative[steps] * levelPercent / 100) {
                return cutDeg * i / steps;
            }
        }
        return cutDeg;
    }
}
