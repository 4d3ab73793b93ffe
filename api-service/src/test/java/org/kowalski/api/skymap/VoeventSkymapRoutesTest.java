package org.kowalski.api.skymap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.mongodb.reactivestreams.client.MongoDatabase;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import nom.tam.fits.BinaryTable;
import nom.tam.fits.BinaryTableHDU;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kowalski.api.testing.RunningApi;
import org.kowalski.common.sky.Coordinates;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * Skymap uploads from GCN notices in {@code voevent}, against the running API. The notices link to a
 * file server that the test starts on 127.0.0.1, which serves a multi-order map of a Gaussian cone.
 */
class VoeventSkymapRoutesTest {

    private static final GaussianCone GW_CONE = new GaussianCone(120, -20, 2);
    private static final int GW_MAP_ORDER = 7;
    private static final String GW_MAP_PATH = "/gracedb/S230623ab/bayestar.multiorder.fits";

    private static RunningApi api;
    private static WebTestClient client;
    private static String token;
    private static HttpServer fileServer;
    private static String fileServerUrl;

    /** Request lines ({@code METHOD /path}) that the file server received. */
    private static final Queue<String> fileRequests = new ConcurrentLinkedQueue<>();

    private static final Map<String, byte[]> files = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        api = RunningApi.shared();
        client = api.client();
        token = api.adminToken();
        fileServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        fileServer.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            fileRequests.add(exchange.getRequestMethod() + " " + path);
            byte[] body = files.get(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        fileServer.start();
        fileServerUrl = "http://127.0.0.1:" + fileServer.getAddress().getPort();
        files.put(GW_MAP_PATH, multiOrderCone(GW_CONE, GW_MAP_ORDER));
    }

    @AfterAll
    static void stopFileServer() {
        fileServer.stop(0);
    }

    /** Writes the FITS file of a multi-order map with the density of a cone on its non-zero pixels. */
    private static byte[] multiOrderCone(GaussianCone cone, int order) throws Exception {
        List<Long> uniq = new ArrayList<>();
        List<Double> density = new ArrayList<>();
        for (long ipix = 0; ipix < (12L << (2 * order)); ipix++) {
            double[] centre = Healpix.nestToAng(order, ipix);
            double value = cone.density(centre[0], centre[1]);
            if (value > 0) {
                uniq.add(Healpix.uniq(order, ipix));
                density.add(value);
            }
        }
        BinaryTableHDU hdu = BinaryTable.fromColumnMajor(new Object[] {
                    uniq.stream().mapToLong(Long::longValue).toArray(),
                    density.stream().mapToDouble(Double::doubleValue).toArray()
                })
                .toHDU();
        hdu.setColumnName(0, "UNIQ", null);
        hdu.setColumnName(1, "PROBDENSITY", "pix-1 sr-1");
        return FitsSkymapsTest.fitsBytes(hdu);
    }

    private static Document put(String body, int expectedStatus) {
        byte[] bytes = client.put()
                .uri("/api/skymap")
                .header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isEqualTo(expectedStatus)
                .expectBody()
                .returnResult()
                .getResponseBodyContent();
        return Document.parse(new String(bytes, StandardCharsets.UTF_8));
    }

    /** Returns the JSON body {@code {"voevent": xml, "contours": [90], ...extra}}. */
    private static String body(String xml, Document extra) {
        Document body = new Document("voevent", xml).append("contours", List.of(90));
        body.putAll(extra);
        return body.toJson();
    }

    private static Document storedSkymap(String localizationName) {
        return Mono.from(api.bean(MongoDatabase.class)
                        .getCollection("skymaps")
                        .find(new Document("localization_name", localizationName))
                        .first())
                .block(Duration.ofSeconds(30));
    }

    private static void deleteStored(String localizationName) {
        Mono.from(api.bean(MongoDatabase.class)
                        .getCollection("skymaps")
                        .deleteMany(new Document("localization_name", localizationName)))
                .block(Duration.ofSeconds(30));
    }

    /** Returns a VOEvent 2.0 notice with the given parameters (XML inside What) and WhereWhen content. */
    private static String notice(String ivorn, String role, String params, String whereWhen) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<voe:VOEvent xmlns:voe=\"http://www.ivoa.net/xml/VOEvent/v2.0\""
                + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " ivorn=\"" + ivorn + "\" role=\"" + role + "\" version=\"2.0\">\n"
                + "  <Who><AuthorIVORN>ivo://example.org/kowalski-tests</AuthorIVORN>"
                + "<Date>2023-06-23T08:20:00</Date></Who>\n"
                + "  <What>\n" + params + "  </What>\n"
                + "  <WhereWhen><ObsDataLocation><ObservationLocation>"
                + "<AstroCoordSystem id=\"UTC-FK5-GEO\"/><AstroCoords coord_system_id=\"UTC-FK5-GEO\">\n"
                + whereWhen
                + "  </AstroCoords></ObservationLocation></ObsDataLocation></WhereWhen>\n"
                + "</voe:VOEvent>\n";
    }

    private static String time(String isoTime) {
        return "<Time unit=\"s\"><TimeInstant><ISOTime>" + isoTime + "</ISOTime></TimeInstant></Time>\n";
    }

    private static String position(double raDeg, double decDeg, double errorDeg) {
        return "<Position2D unit=\"deg\"><Name1>RA</Name1><Name2>Dec</Name2>"
                + "<Value2><C1>" + raDeg + "</C1><C2>" + decDeg + "</C2></Value2>"
                + "<Error2Radius>" + errorDeg + "</Error2Radius></Position2D>\n";
    }

    private static String param(String name, String value) {
        return "    <Param name=\"" + name + "\" value=\"" + value + "\"/>\n";
    }

    private static String gwNotice(String skymapUrl) {
        return notice(
                "ivo://gwnet/LVK#S230623ab-1-Preliminary",
                "observation",
                param("Packet_Type", "150")
                        + param("GraceID", "S230623ab")
                        + param("AlertType", "Preliminary")
                        + "    <Group type=\"GW_SKYMAP\" name=\"bayestar\">\n"
                        + param("skymap_fits", skymapUrl)
                        + "    </Group>\n",
                time("2023-06-23T08:18:05.6"));
    }

    @Test
    void gwNoticeDownloadsLinkedSkymap() {
        deleteStored("bayestar.multiorder.fits");
        fileRequests.clear();

        Document reply =
                put(body(gwNotice(fileServerUrl + GW_MAP_PATH), new Document("aliases", List.of("GW230623ab"))), 200);

        assertThat(reply.getString("status")).isEqualTo("success");
        assertThat(reply.getString("message")).isEqualTo("added skymap for 2023-06-23 08:18:06 with contours [90]");
        Document data = reply.get("data", Document.class);
        assertThat(data.getString("dateobs")).isEqualTo("2023-06-23T08:18:06");
        assertThat(data.getString("localization_name")).isEqualTo("bayestar.multiorder.fits");
        assertThat(fileRequests).containsExactly("HEAD " + GW_MAP_PATH, "GET " + GW_MAP_PATH);

        Document stored = storedSkymap("bayestar.multiorder.fits");
        assertThat(stored.getList("aliases", String.class)).containsExactly("GW230623ab", "LVC#S230623ab");
        assertThat(stored.containsKey("triggerid")).isFalse();
        Document contours = stored.get("contours", Document.class);
        assertThat(contours.keySet()).containsExactly("center", "contour90");

        // Every vertex of the 90% contour lies on the credible circle of the cone that the map samples.
        List<?> polygons = contours.get("contour90", Document.class).getList("coordinates", Object.class);
        assertThat(polygons).hasSize(1);
        double expectedRadiusDeg = CredibleContoursTest.credibleRadiusDeg(GW_CONE.sigmaDeg(), 90);
        double toleranceDeg = 2 * Healpix.pixelSizeDeg(GW_MAP_ORDER);
        List<?> ring = (List<?>) ((List<?>) polygons.get(0)).get(0);
        assertThat(ring).hasSizeGreaterThan(8);
        for (Object vertex : ring) {
            List<?> lonLat = (List<?>) vertex;
            double raDeg = ((Number) lonLat.get(0)).doubleValue() + 180;
            double decDeg = ((Number) lonLat.get(1)).doubleValue();
            double distanceDeg = Coordinates.greatCircleDistanceDeg(GW_CONE.raDeg(), GW_CONE.decDeg(), raDeg, decDeg);
            assertThat(distanceDeg).isCloseTo(expectedRadiusDeg, within(toleranceDeg));
        }

        deleteStored("bayestar.multiorder.fits");
    }

    @Test
    void skymapUrlDownloadedFromListedHost() {
        deleteStored("bayestar.multiorder.fits");
        fileRequests.clear();
        Document body = new Document("dateobs", "2023-06-24T01:02:03")
                .append("skymap", new Document("url", fileServerUrl + GW_MAP_PATH))
                .append("contours", List.of(90));

        Document reply = put(body.toJson(), 200);

        assertThat(reply.getString("message")).isEqualTo("added skymap for 2023-06-24 01:02:03 with contours [90]");
        assertThat(reply.get("data", Document.class).getString("localization_name"))
                .isEqualTo("bayestar.multiorder.fits");
        assertThat(fileRequests).containsExactly("GET " + GW_MAP_PATH);
        assertThat(storedSkymap("bayestar.multiorder.fits")
                        .get("contours", Document.class)
                        .keySet())
                .containsExactly("center", "contour90");

        deleteStored("bayestar.multiorder.fits");
    }

    @Test
    void unlistedHostNeverContacted() {
        // The tests allow downloads from 127.0.0.1 only; "localhost" reaches the same server under another name.
        String unlisted = fileServerUrl.replace("127.0.0.1", "localhost") + GW_MAP_PATH;
        fileRequests.clear();

        Document reply = put(body(gwNotice(unlisted), new Document()), 400);

        assertThat(reply.getString("message")).isEqualTo("ValueError: Could not get skymap from VOEvent file");
        assertThat(fileRequests).isEmpty();
        assertThat(storedSkymap("bayestar.multiorder.fits")).isNull();
    }

    @Test
    void fermiNoticeWithoutHealpixUsesErrorCircle() {
        String quicklook = fileServerUrl + "/triggers/2017/bn170817529/quicklook/";
        String xml = notice(
                "ivo://nasa.gsfc.gcn/Fermi#GBM_Fin_Pos2017-08-17T12:41:06.47_524666471_0-401",
                "observation",
                param("Packet_Type", "115")
                        + param("TrigID", "524666471")
                        + param("LightCurve_URL", quicklook + "glg_lc_medres34_bn170817529.gif")
                        + param("LocationMap_URL", quicklook + "glg_locplot_all_bn170817529.png"),
                time("2017-08-17T12:41:06.47") + position(176.8, -39.8, 5.2));
        String name = "176.80000_-39.80000_5.20000";
        deleteStored(name);
        fileRequests.clear();

        Document reply = put(body(xml, new Document("triggerid", 12345)), 200);

        assertThat(reply.getString("message")).isEqualTo("added skymap for 2017-08-17 12:41:06 with contours [90]");
        assertThat(reply.get("data", Document.class).getString("localization_name"))
                .isEqualTo(name);
        // The HEALPix URL is derived from the location plot URL, and the file server has no such file.
        assertThat(fileRequests)
                .containsExactly("HEAD /triggers/2017/bn170817529/quicklook/glg_healpix_all_bn170817529.fit");

        Document stored = storedSkymap(name);
        assertThat(stored.get("triggerid")).isEqualTo(524666471);
        assertThat(stored.getList("aliases", String.class)).containsExactly("FERMI#bn170817529");
        Document center = stored.get("contours", Document.class).get("center", Document.class);
        assertThat(center.getList("coordinates", Double.class).get(0)).isCloseTo(176.8 - 180, within(1e-9));
        assertThat(center.getList("coordinates", Double.class).get(1)).isCloseTo(-39.8, within(1e-9));

        deleteStored(name);
    }

    @Test
    void documentsOtherThanVoeventRejected() {
        String valid = gwNotice(fileServerUrl + GW_MAP_PATH);
        Map<String, String> invalid = Map.of(
                "not XML", "S230623ab bayestar.multiorder.fits",
                "other root element", "<note><to>Kowalski</to></note>",
                "VOEvent 1.1 namespace",
                        valid.replace("http://www.ivoa.net/xml/VOEvent/v2.0", "http://www.ivoa.net/xml/VOEvent/v1.1"),
                "no ivorn", valid.replace("ivorn=\"ivo://gwnet/LVK#S230623ab-1-Preliminary\"", ""),
                "unknown role", valid.replace("role=\"observation\"", "role=\"rumour\""),
                "unknown top-level element", valid.replace("<Who>", "<Extra/><Who>"),
                "neither What nor WhereWhen",
                        notice("ivo://example.org/x", "test", "", "").replaceAll("(?s)<What>.*</WhereWhen>", ""));
        fileRequests.clear();

        for (Map.Entry<String, String> entry : invalid.entrySet()) {
            Document reply = put(body(entry.getValue(), new Document()), 400);
            assertThat(reply.getString("status")).as(entry.getKey()).isEqualTo("error");
            assertThat(reply.getString("message"))
                    .as(entry.getKey())
                    .isEqualTo("ValueError: xml file is not valid VOEvent");
        }
        assertThat(fileRequests).isEmpty();
    }

    @Test
    void externalEntityNeverRead(@TempDir Path folder) throws IOException {
        Path secret = folder.resolve("secret.txt");
        Files.writeString(secret, "entity-file-content-7f3a");
        String httpEntity = "<!DOCTYPE voe:VOEvent [<!ENTITY probe SYSTEM \"" + fileServerUrl + "/entity\">]>\n";
        String fileEntity = "<!DOCTYPE voe:VOEvent [<!ENTITY probe SYSTEM \"" + secret.toUri() + "\">]>\n";
        fileRequests.clear();

        for (String doctype : List.of(httpEntity, fileEntity)) {
            String xml = gwNotice(fileServerUrl + GW_MAP_PATH)
                    .replace("<voe:VOEvent ", doctype + "<voe:VOEvent ")
                    .replace("value=\"S230623ab\"", "value=\"&probe;\"");
            Document reply = put(body(xml, new Document()), 400);
            assertThat(reply.getString("message")).isEqualTo("ValueError: xml file is not valid VOEvent");
            assertThat(reply.toJson()).doesNotContain("entity-file-content-7f3a");
        }
        // Neither the entity nor the skymap was fetched, because parsing stopped at the DOCTYPE.
        assertThat(fileRequests).isEmpty();
    }

    @Test
    void retractionAndNoticeWithoutLocalizationRejected() {
        String retraction = notice(
                "ivo://gwnet/LVK#S230623ab-3-Retraction",
                "observation",
                param("Packet_Type", "164") + param("GraceID", "S230623ab") + param("Retraction", "1"),
                time("2023-06-23T08:18:05.6") + position(120, -20, 2));
        String withoutLocalization = notice(
                "ivo://nasa.gsfc.gcn/Fermi#GBM_Alert_2017-08-17T12:41:06.47_524666471_1-001",
                "observation",
                param("Packet_Type", "110") + param("TrigID", "524666471"),
                time("2017-08-17T12:41:06.47"));

        for (String xml : List.of(retraction, withoutLocalization)) {
            Document reply = put(body(xml, new Document()), 400);
            assertThat(reply.getString("message")).isEqualTo("ValueError: Could not get skymap from VOEvent file");
        }
        assertThat(storedSkymap("120.00000_-20.00000_2.00000")).isNull();
    }
}
