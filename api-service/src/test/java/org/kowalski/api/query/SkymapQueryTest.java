package org.kowalski.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kowalski.api.query.QueryEngineTest.query;

import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.ApiCalls;
import org.kowalski.api.testing.RunningApi;
import org.kowalski.api.testing.SkyMath;
import org.kowalski.api.testing.ZtfArchive;
import reactor.core.publisher.Mono;

/**
 * The {@code skymap} query type on the ZTF sample alerts, with a stored skymap whose 90% contour is a
 * 72-sided polygon inscribed in a 40-degree circle: alerts nearer than the polygon's inner radius must
 * be returned and alerts beyond the circle must not.
 */
class SkymapQueryTest {

    private static final String LOCALIZATION = "skymap_query_test";
    private static final String DATEOBS = "2023-06-23T15:42:26";
    private static final double CENTER_RA = 70;
    private static final double CENTER_DEC = 0;
    private static final double RADIUS_DEG = 40;
    private static final int SIDES = 72;

    private static ApiCalls calls;
    private static String token;
    private static List<Document> alerts;

    @BeforeAll
    static void storeSkymap() {
        RunningApi api = RunningApi.shared();
        calls = new ApiCalls(api);
        token = api.tokenFor("skymap_user");
        MongoDatabase database = api.bean(MongoDatabase.class);
        alerts = ZtfArchive.load(database, "ZTF_alerts");

        Document skymap = new Document("dateobs", Date.from(java.time.Instant.parse(DATEOBS + "Z")))
                .append("localization_name", LOCALIZATION)
                .append("aliases", List.of("TEST#1"))
                .append("triggerid", 12345)
                .append(
                        "contours",
                        new Document(
                                "contour90",
                                new Document("type", "MultiPolygon")
                                        .append("properties", new Document("credible_level", 90))
                                        .append("coordinates", List.of(List.of(ring())))));
        var skymaps = database.getCollection("skymaps");
        Mono.from(skymaps.deleteMany(Filters.eq("localization_name", LOCALIZATION)))
                .block(Duration.ofSeconds(30));
        Mono.from(skymaps.insertOne(skymap)).block(Duration.ofSeconds(30));
    }

    /** Returns the polygon's ring in GeoJSON [ra - 180, dec] degrees. */
    private static List<List<Double>> ring() {
        List<List<Double>> ring = new ArrayList<>();
        double lat1 = Math.toRadians(CENTER_DEC);
        double radius = Math.toRadians(RADIUS_DEG);
        for (int i = 0; i <= SIDES; i++) {
            double bearing = 2 * Math.PI * (i % SIDES) / SIDES;
            double lat2 = Math.asin(
                    Math.sin(lat1) * Math.cos(radius) + Math.cos(lat1) * Math.sin(radius) * Math.cos(bearing));
            double lon2 = Math.toRadians(CENTER_RA)
                    + Math.atan2(
                            Math.sin(bearing) * Math.sin(radius) * Math.cos(lat1),
                            Math.cos(radius) - Math.sin(lat1) * Math.sin(lat2));
            ring.add(List.of(Math.toDegrees(lon2) - 180, Math.toDegrees(lat2)));
        }
        return ring;
    }

    private static Document skymapQuery(Document skymap) {
        return query(
                "skymap",
                new Document("skymap", skymap)
                        .append("catalog", "ZTF_alerts")
                        .append("filter", new Document())
                        .append("projection", new Document("_id", 0).append("candid", 1)),
                null);
    }

    @Test
    void returnsAlertsInsideContour() {
        ApiCalls.Response response = calls.query(
                token,
                skymapQuery(new Document("localization_name", LOCALIZATION)
                        .append("dateobs", DATEOBS + ".000")
                        .append("contour", 90)));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        List<Long> returned = response.body().getList("data", Document.class).stream()
                .map(document -> document.getLong("candid"))
                .toList();

        double innerRadiusDeg =
                Math.toDegrees(Math.atan(Math.tan(Math.toRadians(RADIUS_DEG)) * Math.cos(Math.PI / SIDES)));
        int inside = 0;
        for (Document alert : alerts) {
            Document candidate = alert.get("candidate", Document.class);
            double distance =
                    SkyMath.distanceDeg(CENTER_RA, CENTER_DEC, candidate.getDouble("ra"), candidate.getDouble("dec"));
            long candid = alert.getLong("candid");
            if (distance < innerRadiusDeg) {
                assertThat(returned).contains(candid);
                inside++;
            } else if (distance > RADIUS_DEG) {
                assertThat(returned).doesNotContain(candid);
            }
        }
        assertThat(inside).isGreaterThan(0);
    }

    @Test
    void findsSkymapByTriggerIdOrAlias() {
        ApiCalls.Response byTrigger = calls.query(
                token, skymapQuery(new Document("localization_name", LOCALIZATION).append("trigger_id", 12345)));
        assertThat(byTrigger.status()).as(byTrigger.text()).isEqualTo(200);
        ApiCalls.Response byAlias = calls.query(
                token,
                skymapQuery(new Document("localization_name", LOCALIZATION).append("aliases", List.of("TEST#1"))));
        assertThat(byAlias.status()).as(byAlias.text()).isEqualTo(200);
        assertThat(byAlias.body().get("data")).isEqualTo(byTrigger.body().get("data"));
    }

    @Test
    void errorsNameTheProblem() {
        ApiCalls.Response missingLevel = calls.query(
                token,
                skymapQuery(new Document("localization_name", LOCALIZATION)
                        .append("dateobs", DATEOBS)
                        .append("contour", 20)));
        assertThat(missingLevel.status()).isEqualTo(400);
        assertThat(missingLevel.body().getString("message"))
                .isEqualTo("ValueError: Contour level 20 not found in skymap");

        ApiCalls.Response floatLevel = calls.query(
                token,
                skymapQuery(new Document("localization_name", LOCALIZATION)
                        .append("dateobs", DATEOBS)
                        .append("contour", 90.0)));
        assertThat(floatLevel.body().getString("message"))
                .isEqualTo("ValueError: Contour level 90.0 not found in skymap");

        ApiCalls.Response unknown =
                calls.query(token, skymapQuery(new Document("localization_name", "nope").append("dateobs", DATEOBS)));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().getString("message")).startsWith("ValueError: Skymap not found");

        ApiCalls.Response badDate = calls.query(
                token, skymapQuery(new Document("localization_name", LOCALIZATION).append("dateobs", "2023-06-23")));
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.body().getString("message")).contains("dateobs must be in format");

        ApiCalls.Response noName = calls.query(token, skymapQuery(new Document("dateobs", DATEOBS)));
        assertThat(noName.body().getString("message")).contains("name must be specified");

        ApiCalls.Response noKey = calls.query(token, skymapQuery(new Document("localization_name", LOCALIZATION)));
        assertThat(noKey.body().getString("message")).contains("At least one of dateobs, trigger_id, aliases");
    }
}
