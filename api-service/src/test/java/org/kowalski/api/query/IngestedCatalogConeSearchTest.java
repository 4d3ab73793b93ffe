package org.kowalski.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kowalski.api.testing.ApiCalls;
import org.kowalski.api.testing.RunningApi;
import org.kowalski.common.testing.SharedData;
import org.kowalski.ingest.CatalogIngester;
import org.kowalski.ingest.IngestSettings;
import org.kowalski.ingest.IngestSummary;
import reactor.core.publisher.Mono;

/**
 * Catalogs ingested by the catalog ingester from FITS, Parquet and CSV files, then found through the
 * API's {@code cone_search} around one of their rows.
 */
class IngestedCatalogConeSearchTest {

    private static RunningApi api;
    private static ApiCalls calls;
    private static String token;
    private static MongoDatabase database;

    @TempDir
    static Path tempDir;

    @BeforeAll
    static void startApi() {
        api = RunningApi.shared();
        calls = new ApiCalls(api);
        token = api.tokenFor("catalog_user");
        database = api.bean(MongoDatabase.class);
    }

    /** Ingests a file (or its first {@code maxRows} rows) into a collection; ids are "file:row". */
    private static void ingest(String catalog, Path file, Long maxRows) {
        IngestSettings settings =
                new IngestSettings(catalog, file, null, null, null, null, 1, 2048, maxRows, false, false, false, null);
        IngestSummary summary = new CatalogIngester(database, false).run(settings);
        assertThat(summary.exitCode()).as(String.join("\n", summary.lines())).isZero();
    }

    /** Returns the ids of the documents within {@code radiusArcsec} of a position, from the API. */
    private static List<Object> coneIds(String catalog, double raDeg, double decDeg, double radiusArcsec) {
        Document body = new Document("query_type", "cone_search")
                .append(
                        "query",
                        new Document(
                                        "object_coordinates",
                                        new Document("cone_search_radius", radiusArcsec)
                                                .append("cone_search_unit", "arcsec")
                                                .append("radec", new Document("target", List.of(raDeg, decDeg))))
                                .append(
                                        "catalogs",
                                        new Document(
                                                catalog,
                                                new Document("filter", new Document())
                                                        .append("projection", new Document("_id", 1)))));
        ApiCalls.Response response = calls.query("Bearer " + token, body);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        List<Document> matches = response.body()
                .get("data", Document.class)
                .get(catalog, Document.class)
                .getList("target", Document.class);
        return matches.stream().map(match -> match.get("_id")).toList();
    }

    @Test
    void fitsRowFoundByConeSearch() {
        Path file = SharedData.require("data/catalogs/igaps-dr1-215a-small.fits.gz");
        ingest("IGAPS_CONE", file, null);

        // RA and DEC of row 50, read from the FITS table with numpy.
        List<Object> ids = coneIds("IGAPS_CONE", 99.05821419287822, -4.55211555079325, 1);

        assertThat(ids).contains("igaps-dr1-215a-small.fits.gz:50");
    }

    @Test
    void parquetRowFoundByConeSearch() {
        Path file = SharedData.require("data/catalogs/ztf_000250_zg_c01_q1_dr5.parquet");
        ingest("ZTF_DR5_CONE", file, 1_000L);
        Document row = Mono.from(database.getCollection("ZTF_DR5_CONE")
                        .find(new Document("_id", "ztf_000250_zg_c01_q1_dr5.parquet:777"))
                        .first())
                .block();

        List<Object> ids = coneIds("ZTF_DR5_CONE", row.getDouble("objra"), row.getDouble("objdec"), 1);

        assertThat(ids).contains("ztf_000250_zg_c01_q1_dr5.parquet:777");
    }

    @Test
    void csvRowFoundByConeSearch() throws IOException {
        Path file = Files.writeString(tempDir.resolve("targets.csv"), """
                name,ra,dec
                near_ra_zero,0.0001,-30.5
                sexagesimal,12:34:56.7,+12:34:56.7
                far,200.5,45.25
                """);
        ingest("CSV_CONE", file, null);

        assertThat(coneIds("CSV_CONE", 0.0001, -30.5, 1)).containsExactly("targets.csv:1");
        assertThat(coneIds("CSV_CONE", (12 + 34 / 60.0 + 56.7 / 3600) * 15, 12 + 34 / 60.0 + 56.7 / 3600, 1))
                .containsExactly("targets.csv:2");
        assertThat(coneIds("CSV_CONE", 200.5, 45.25, 1)).containsExactly("targets.csv:3");
    }
}
