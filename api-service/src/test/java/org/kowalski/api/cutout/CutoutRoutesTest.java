package org.kowalski.api.cutout;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoDatabase;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import nom.tam.fits.Fits;
import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.util.Cursor;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.RunningApi;
import org.kowalski.api.testing.ZtfArchive;
import org.kowalski.common.cutout.CutoutDecoder;
import org.kowalski.common.cutout.CutoutImage;
import org.kowalski.common.cutout.CutoutPng;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Alert cutouts as FITS and PNG through {@code /api/cutouts}, against the running API. */
class CutoutRoutesTest {

    private static WebTestClient client;
    private static String token;
    private static Document alert;

    @BeforeAll
    static void startApi() {
        RunningApi api = RunningApi.shared();
        client = api.client();
        token = api.tokenFor("viewer");
        List<Document> alerts = ZtfArchive.load(api.bean(MongoDatabase.class), "ZTF_alerts");
        alert = alerts.stream()
                .filter(document -> document.getLong("candid") == 1127561444715015009L)
                .findFirst()
                .orElseThrow();
    }

    private static WebTestClient.ResponseSpec get(String uri, String authorization) {
        var request = client.get().uri(uri);
        if (authorization != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        return request.exchange();
    }

    private static Document error(String uri, int expectedStatus) {
        byte[] bytes = get(uri, token)
                .expectStatus()
                .isEqualTo(expectedStatus)
                .expectBody()
                .returnResult()
                .getResponseBodyContent();
        return Document.parse(new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void fitsIsFlippedWithOriginalHeader() throws Exception {
        Document science = alert.get("cutoutScience", Document.class);
        byte[] stored = science.get("stampData", Binary.class).getData();

        var result = get("/api/cutouts/ztf/1127561444715015009/science/fits", token)
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentType("image/fits")
                .expectHeader()
                .valueEquals(
                        HttpHeaders.CONTENT_DISPOSITION,
                        "Attachment;filename=" + science.getString("fileName").replaceAll("\\.gz$", ""))
                .expectBody()
                .returnResult();
        byte[] fits = result.getResponseBodyContent();

        // ZTF cutouts are served flipped vertically: row r of the reply is row (height - 1 - r) of the alert's.
        CutoutImage original = CutoutDecoder.decode(stored);
        CutoutImage served = CutoutDecoder.decode(fits);
        assertThat(served.width()).isEqualTo(original.width());
        assertThat(served.height()).isEqualTo(original.height());
        for (int row = 0; row < original.height(); row++) {
            for (int column = 0; column < original.width(); column++) {
                assertThat(served.pixel(row, column)).isEqualTo(original.pixel(original.height() - 1 - row, column));
            }
        }

        // Every card of the original header that does not describe the data layout is kept.
        try (Fits originalFits = new Fits(new GZIPInputStream(new ByteArrayInputStream(stored)));
                Fits servedFits = new Fits(new ByteArrayInputStream(fits))) {
            Header before = originalFits.readHDU().getHeader();
            Header after = servedFits.readHDU().getHeader();
            List<String> skipped = List.of("SIMPLE", "BITPIX", "EXTEND", "END", "COMMENT", "HISTORY");
            int kept = 0;
            Cursor<String, HeaderCard> cards = before.iterator();
            while (cards.hasNext()) {
                HeaderCard card = cards.next();
                String key = card.getKey();
                if (key.isEmpty() || key.startsWith("NAXIS") || skipped.contains(key)) {
                    continue;
                }
                assertThat(after.findCard(key)).as("card %s", key).isNotNull();
                assertThat(after.findCard(key).getValue()).as("card %s", key).isEqualTo(card.getValue());
                kept++;
            }
            assertThat(kept).as("cards beyond the data layout").isPositive();
        }
    }

    @Test
    void pngHasDisplaySize() throws Exception {
        byte[] png = get(
                        "/api/cutouts/ZTF/1127561444715015009/Difference/png?stretch=asinh&interval=zscale&cmap=viridis",
                        token)
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentType("image/png")
                .expectBody()
                .returnResult()
                .getResponseBodyContent();

        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(picture.getWidth()).isEqualTo(CutoutPng.SIZE_PX);
        assertThat(picture.getHeight()).isEqualTo(CutoutPng.SIZE_PX);
    }

    @Test
    void invalidRequestsNameTheValue() {
        assertThat(error("/api/cutouts/ztf/1127561444715015009/sky/png", 400).getString("message"))
                .isEqualTo("cutout sky not in ['science', 'template', 'difference']");
        assertThat(error("/api/cutouts/ztf/1127561444715015009/science/jpg", 400)
                        .getString("message"))
                .isEqualTo("file format jpg not in ['fits', 'png']");
        assertThat(error("/api/cutouts/lsst/1/science/png", 400).getString("message"))
                .isEqualTo("survey lsst must be one of [ztf, wntr, pgir, turbo]");
        assertThat(error("/api/cutouts/ztf/abc/science/png", 400).getString("message"))
                .startsWith("Invalid candid 'abc'");
        assertThat(error("/api/cutouts/ztf/42/science/png", 404).getString("message"))
                .isEqualTo("ztf alert 42 not found");
        get("/api/cutouts/ztf/1127561444715015009/science/png", null)
                .expectStatus()
                .isUnauthorized();
    }
}
