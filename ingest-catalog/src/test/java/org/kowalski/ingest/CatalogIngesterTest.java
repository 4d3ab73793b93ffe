package org.kowalski.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.mongo.MongoConnections;
import org.kowalski.common.sky.Coordinates;
import org.kowalski.common.testing.SharedData;
import org.kowalski.common.testing.TestConfigs;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Ingests the public sample catalogs and generated CSV files into the embedded store. */
class CatalogIngesterTest {

    static final String IGAPS = "data/catalogs/igaps-dr1-215a-small.fits.gz";
    static final String ZTF_PARQUET = "data/catalogs/ztf_000250_zg_c01_q1_dr5.parquet";

    private static MongoClient client;
    private static MongoDatabase database;

    @TempDir
    Path tempDir;

    @BeforeAll
    static void startStore() {
        KowalskiConfig config = TestConfigs.embedded(Map.of("kafka", Map.of("embedded", false)));
        EmbeddedInfrastructure.ensureStarted(config);
        client = MongoConnections.connect(config);
        database = client.getDatabase(config.database().db());
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    static IngestSettings settings(String catalogName, Path path) {
        return new IngestSettings(catalogName, path, null, null, null, null, 2, 2048, null, false, false, false, null);
    }

    static IngestSettings withBatchSize(IngestSettings settings, int batchSize) {
        return new IngestSettings(
                settings.catalogName(),
                settings.path(),
                settings.format(),
                settings.raColumn(),
                settings.decColumn(),
                settings.idColumn(),
                settings.threads(),
                batchSize,
                settings.maxRowsPerFile(),
                settings.deleteIngestedFiles(),
                settings.verifyOnly(),
                settings.skipVerify(),
                settings.positionSource());
    }

    static IngestSettings withIdColumn(IngestSettings settings, String idColumn) {
        return new IngestSettings(
                settings.catalogName(),
                settings.path(),
                settings.format(),
                settings.raColumn(),
                settings.decColumn(),
                idColumn,
                settings.threads(),
                settings.batchSize(),
                settings.maxRowsPerFile(),
                settings.deleteIngestedFiles(),
                settings.verifyOnly(),
                settings.skipVerify(),
                settings.positionSource());
    }

    static IngestSummary ingest(IngestSettings settings) {
        return new CatalogIngester(database, false).run(settings);
    }

    static List<Document> documents(String collection) {
        return Flux.from(database.getCollection(collection).find())
                .collectList()
                .block();
    }

    static Document document(String collection, Object id) {
        return Mono.from(database.getCollection(collection)
                        .find(Filters.eq("_id", id))
                        .first())
                .block();
    }

    static long count(String collection) {
        return Mono.from(database.getCollection(collection).countDocuments()).block();
    }

    @Test
    void fitsSampleGivesHundredDocuments() {
        Path file = SharedData.require(IGAPS);

        IngestSummary summary = ingest(settings("IGAPS_SAMPLE", file));

        assertThat(summary.exitCode()).isZero();
        assertThat(summary.rowsRead()).isEqualTo(100);
        assertThat(summary.ingested()).isEqualTo(100);
        assertThat(summary.skipped()).isZero();
        assertThat(count("IGAPS_SAMPLE")).isEqualTo(100);
    }

    @Test
    void fitsSamplePositionsMatchFile() {
        Path file = SharedData.require(IGAPS);
        ingest(settings("IGAPS_POSITIONS", file));

        // RA, DEC and name of rows 1, 50 and 100, read from the FITS binary table with numpy.
        Object[][] expected = {
            {1, 99.05601239035795, -4.383543818417809, "J063613.44-042300.8"},
            {50, 99.05821419287822, -4.55211555079325, "J063613.97-043307.6"},
            {100, 99.05967073599079, -4.531919040292985, "J063614.32-043154.9"},
        };
        for (Object[] row : expected) {
            Document document = document("IGAPS_POSITIONS", "igaps-dr1-215a-small.fits.gz:" + row[0]);
            double raDeg = (double) row[1];
            double decDeg = (double) row[2];
            assertThat(document.getDouble("RA")).isEqualTo(raDeg);
            assertThat(document.getDouble("DEC")).isEqualTo(decDeg);
            assertThat(document.getString("name")).isEqualTo(row[3]);

            Document coordinates = document.get("coordinates", Document.class);
            assertThat(coordinates.getList("radec_str", String.class)).isEqualTo(Coordinates.radecStr(raDeg, decDeg));
            Document geoJson = coordinates.get("radec_geojson", Document.class);
            assertThat(geoJson.getString("type")).isEqualTo("Point");
            assertThat(geoJson.getList("coordinates", Double.class)).containsExactly(raDeg - 180, decDeg);
        }
        assertThat(document("IGAPS_POSITIONS", "igaps-dr1-215a-small.fits.gz:1")
                        .get("coordinates", Document.class)
                        .getList("radec_str", String.class))
                .containsExactly("06:36:13.4430", "-4:23:00.758");
    }

    @Test
    void fitsSampleOmitsNanMaskedAndEmpty() {
        Path file = SharedData.require(IGAPS);
        ingest(settings("IGAPS_VALUES", file));
        List<Document> documents = documents("IGAPS_VALUES");

        // Counted in the file with numpy: its 100 rows x 174 columns contain 5,803 NaN floats, 1,014
        // integers equal to their column's TNULL and 1,003 blank strings. None of them may be stored.
        long storedFields = 0;
        for (Document document : documents) {
            storedFields += document.size() - 2;
            assertThat(containsNan(document))
                    .as("NaN in %s", document.get("_id"))
                    .isFalse();
        }
        assertThat(storedFields).isEqualTo(100L * 174 - 5_803 - 1_014 - 1_003);
        long withIClass =
                documents.stream().filter(d -> d.containsKey("iClass")).count();
        assertThat(withIClass).isEqualTo(100 - 28);
        long withHa = documents.stream().filter(d -> d.containsKey("ha")).count();
        assertThat(withHa).isEqualTo(100 - 28);
    }

    @Test
    void fitsSampleDecodesStrings() {
        Path file = SharedData.require(IGAPS);
        ingest(settings("IGAPS_STRINGS", file));

        Document first = document("IGAPS_STRINGS", "igaps-dr1-215a-small.fits.gz:1");
        assertThat(first.get("sourceID")).isEqualTo("1242498-2-2805");
        assertThat(first.get("fieldGrade_I")).isEqualTo("A++");
        assertThat(first.get("fieldID_I")).isEqualTo("3706_nov2016e");
        // fieldID_U of row 1 is a blank padded with NUL bytes, so it is left out.
        assertThat(first.containsKey("fieldID_U")).isFalse();
        assertThat(first.get("iClass")).isEqualTo(1);
        assertThat(first.get("iDeblend")).isEqualTo(false);
    }

    @Test
    void parquetSampleMatchesReferenceReader() throws IOException {
        Path file = SharedData.require(ZTF_PARQUET);

        IngestSummary summary = ingest(settings("ZTF_DR5_SAMPLE", file));

        assertThat(summary.exitCode()).isZero();
        assertThat(summary.ingested()).isEqualTo(5_449);
        assertThat(count("ZTF_DR5_SAMPLE")).isEqualTo(5_449);

        // Each row against Parquet's own example record reader, an independent decoding of the file.
        List<Group> reference = readWithExampleReader(file);
        assertThat(reference).hasSize(5_449);
        for (int row = 0; row < reference.size(); row += 97) {
            Group expected = reference.get(row);
            Document document = document("ZTF_DR5_SAMPLE", "ztf_000250_zg_c01_q1_dr5.parquet:" + (row + 1));
            assertThat(document.get("objectid")).isEqualTo(expected.getLong("objectid", 0));
            assertThat(document.get("filterid")).isEqualTo(expected.getInteger("filterid", 0));
            assertThat(document.get("objra")).isEqualTo((double) expected.getFloat("objra", 0));
            assertThat(document.get("objdec")).isEqualTo((double) expected.getFloat("objdec", 0));
            assertThat(document.get("nepochs")).isEqualTo(expected.getLong("nepochs", 0));
            assertThat(document.getList("hmjd", Object.class)).isEqualTo(floatList(expected, "hmjd"));
            assertThat(document.getList("mag", Object.class)).isEqualTo(floatList(expected, "mag"));
            assertThat(document.getList("catflags", Object.class)).isEqualTo(intList(expected, "catflags"));
            assertThat(document.getList("hmjd", Object.class)).hasSize((int) expected.getLong("nepochs", 0));
            assertThat(document.containsKey("__index_level_0__")).isFalse();
        }
        Document first = document("ZTF_DR5_SAMPLE", "ztf_000250_zg_c01_q1_dr5.parquet:1");
        assertThat(first.get("objectid")).isEqualTo(250101100000001L);
    }

    @Test
    void parquetObjectIdsExactAsIds() {
        Path file = SharedData.require(ZTF_PARQUET);

        IngestSummary summary = ingest(withIdColumn(settings("ZTF_DR5_BY_OBJECTID", file), "objectid"));

        assertThat(summary.exitCode()).isZero();
        assertThat(count("ZTF_DR5_BY_OBJECTID")).isEqualTo(5_449);
        Document first = document("ZTF_DR5_BY_OBJECTID", 250101100000001L);
        assertThat(first).isNotNull();
        assertThat(first.containsKey("objectid")).isFalse();
        assertThat(first.get("_id")).isInstanceOf(Long.class);
    }

    private static List<Group> readWithExampleReader(Path file) throws IOException {
        List<Group> groups = new ArrayList<>();
        ParquetReadOptions options =
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            for (PageReadStore pages = reader.readNextRowGroup(); pages != null; pages = reader.readNextRowGroup()) {
                RecordReader<Group> records = new ColumnIOFactory()
                        .getColumnIO(schema)
                        .getRecordReader(pages, new GroupRecordConverter(schema));
                for (long i = 0; i < pages.getRowCount(); i++) {
                    groups.add(records.read());
                }
            }
        }
        return groups;
    }

    private static List<Object> floatList(Group row, String field) {
        Group list = row.getGroup(field, 0);
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < list.getFieldRepetitionCount("list"); i++) {
            Group element = list.getGroup("list", i);
            values.add(element.getFieldRepetitionCount("item") == 0 ? null : (double) element.getFloat("item", 0));
        }
        return values;
    }

    private static List<Object> intList(Group row, String field) {
        Group list = row.getGroup(field, 0);
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < list.getFieldRepetitionCount("list"); i++) {
            Group element = list.getGroup("list", i);
            values.add(element.getFieldRepetitionCount("item") == 0 ? null : element.getInteger("item", 0));
        }
        return values;
    }

    @Test
    void csvOfManyBatchesIngestsEveryRow() throws IOException {
        Path file = tempDir.resolve("generated.csv");
        int rows = 25_000;
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writer.write("source_id,ra,dec,mag,name,big\n");
            for (int i = 1; i <= rows; i++) {
                writer.write(
                        String.format(Locale.ROOT, "%d,%s,%s,%s,src-%d,%d%n", i, ra(i), dec(i), mag(i), i, big(i)));
            }
        }

        IngestSummary summary = ingest(withBatchSize(settings("CSV_25K", file), 1_000));

        assertThat(summary.exitCode()).isZero();
        assertThat(summary.rowsRead()).isEqualTo(rows);
        assertThat(summary.ingested()).isEqualTo(rows);
        assertThat(count("CSV_25K")).isEqualTo(rows);
        for (int i : new int[] {1, 1_000, 1_001, 12_345, 24_999, 25_000}) {
            Document document = document("CSV_25K", "generated.csv:" + i);
            assertThat(document.get("source_id")).isEqualTo((long) i);
            assertThat(document.get("ra")).isEqualTo(Double.parseDouble(ra(i)));
            assertThat(document.get("dec")).isEqualTo(Double.parseDouble(dec(i)));
            assertThat(document.get("mag")).isEqualTo(Double.parseDouble(mag(i)));
            assertThat(document.get("name")).isEqualTo("src-" + i);
            assertThat(document.get("big")).isEqualTo(big(i));
        }
    }

    private static String ra(int i) {
        return String.format(Locale.ROOT, "%.6f", (i * 0.0137) % 360);
    }

    private static String dec(int i) {
        return String.format(Locale.ROOT, "%.6f", -89 + (i * 0.0071) % 178);
    }

    private static String mag(int i) {
        return String.format(Locale.ROOT, "%.3f", 14 + (i % 700) / 100.0);
    }

    /** Integers above 2^53, which a detour through double would change. */
    private static long big(int i) {
        return 9_007_199_254_740_993L + 2L * i;
    }

    @Test
    void csvBadPositionsSkippedByRowNumber() throws IOException {
        Path file = tempDir.resolve("with_bad_rows.csv");
        Files.writeString(file, """
                id,ra,dec,mag
                1,10.5,20.25,15.1
                2,11.5,21.25,15.2
                3,,22.25,15.3
                4,13.5,23.25,15.4
                5,14.5,24.25,15.5
                6,15.5,25.25,15.6
                7,16.5,NaN,15.7
                8,17.5,27.25,15.8
                9,18.5,28.25,15.9
                10,19.5,29.25,16.0
                """);

        IngestSummary summary = ingest(settings("CSV_BAD_ROWS", file));

        assertThat(summary.exitCode()).isZero();
        assertThat(summary.rowsRead()).isEqualTo(10);
        assertThat(summary.ingested()).isEqualTo(8);
        assertThat(summary.skipped()).isEqualTo(2);
        assertThat(count("CSV_BAD_ROWS")).isEqualTo(8);
        List<SkippedRow> skipped = summary.files().get(0).skippedRows();
        assertThat(skipped).extracting(SkippedRow::rowNumber).containsExactly(3L, 7L);
        assertThat(skipped)
                .extracting(SkippedRow::reason)
                .containsExactly(SkipReason.RA_MISSING, SkipReason.DEC_NOT_FINITE);
        assertThat(summary.lines()).contains("with_bad_rows.csv: skipped rows 3 (RA missing)");
        assertThat(summary.lines()).contains("with_bad_rows.csv: skipped rows 7 (Dec is NaN or infinite)");
        assertThat(document("CSV_BAD_ROWS", "with_bad_rows.csv:3")).isNull();
        assertThat(document("CSV_BAD_ROWS", "with_bad_rows.csv:8").get("mag")).isEqualTo(15.8);
    }

    @Test
    void csvSexagesimalPositionsConverted() throws IOException {
        Path file = tempDir.resolve("sexagesimal.csv");
        Files.writeString(file, """
                name,RA,Dec
                a,06:36:13.443,-04:23:00.758
                b,12h34m56.7s,+12d34m56.7s
                c,00 00 00,-00 30 00
                """);

        IngestSummary summary = ingest(settings("CSV_SEXAGESIMAL", file));

        assertThat(summary.ingested()).isEqualTo(3);
        Document a = document("CSV_SEXAGESIMAL", "sexagesimal.csv:1");
        assertThat(a.get("RA")).isEqualTo("06:36:13.443");
        List<Double> point = a.get("coordinates", Document.class)
                .get("radec_geojson", Document.class)
                .getList("coordinates", Double.class);
        assertThat(point.get(0))
                .isCloseTo((6 + 36 / 60.0 + 13.443 / 3600) * 15 - 180, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(point.get(1)).isCloseTo(-(4 + 23 / 60.0 + 0.758 / 3600), org.assertj.core.data.Offset.offset(1e-9));
        Document c = document("CSV_SEXAGESIMAL", "sexagesimal.csv:3");
        assertThat(c.get("coordinates", Document.class).getList("radec_str", String.class))
                .containsExactly("00:00:00.0000", "-0:30:00.000");
    }

    @Test
    void secondRunReplacesInsteadOfAdding() {
        Path file = SharedData.require(IGAPS);

        IngestSummary first = ingest(settings("IGAPS_TWICE", file));
        IngestSummary second = ingest(settings("IGAPS_TWICE", file));

        assertThat(first.inserted()).isEqualTo(100);
        assertThat(second.inserted()).isZero();
        assertThat(second.updated()).isEqualTo(100);
        assertThat(second.exitCode()).isZero();
        assertThat(count("IGAPS_TWICE")).isEqualTo(100);
    }

    @Test
    void spatialIndexCreated() {
        Path file = SharedData.require(IGAPS);
        ingest(settings("IGAPS_INDEXED", file));

        MongoCollection<Document> collection = database.getCollection("IGAPS_INDEXED");
        List<Document> indexes =
                Flux.from(collection.listIndexes()).collectList().block();

        assertThat(indexes)
                .extracting(index -> index.get("key", Document.class))
                .contains(new Document("coordinates.radec_geojson", "2dsphere").append("_id", 1));
    }

    @Test
    void fileWithoutPositionColumnsFails() throws IOException {
        Path file = tempDir.resolve("no_position.csv");
        Files.writeString(file, "id,x,y\n1,2,3\n");

        IngestSummary summary = ingest(settings("CSV_NO_POSITION", file));

        assertThat(summary.exitCode()).isEqualTo(1);
        assertThat(summary.files().get(0).failure())
                .contains("No RA column found in no_position.csv")
                .contains("--ra_col");
        assertThat(count("CSV_NO_POSITION")).isZero();
    }

    @Test
    void duplicateIdsAcrossFilesStopRun() throws IOException {
        Path folder = Files.createDirectories(tempDir.resolve("duplicates"));
        Files.writeString(folder.resolve("a.csv"), "id,ra,dec\n1,10,20\n2,11,21\n");
        Files.writeString(folder.resolve("b.csv"), "id,ra,dec\n3,12,22\n2,13,23\n");

        IngestSummary summary = ingest(withIdColumn(settings("CSV_DUPLICATES", folder), "id"));

        assertThat(summary.exitCode()).isEqualTo(1);
        assertThat(summary.runFailure()).contains("1 duplicate ids").contains("id 2 in a.csv row 2 and in b.csv row 2");
        assertThat(count("CSV_DUPLICATES")).isZero();
    }

    @Test
    void folderIngestsEveryCatalogFile() throws IOException {
        Path folder = Files.createDirectories(tempDir.resolve("folder/nested"));
        Files.writeString(folder.resolve("one.csv"), "ra,dec\n10,20\n11,21\n");
        try (var output = new java.util.zip.GZIPOutputStream(Files.newOutputStream(folder.resolve("two.csv.gz")))) {
            output.write("ra,dec\n12,22\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(folder.resolve("notes.txt"), "not a catalog\n");

        IngestSummary summary = ingest(settings("CSV_FOLDER", tempDir.resolve("folder")));

        assertThat(summary.exitCode()).isZero();
        assertThat(summary.files()).hasSize(2);
        assertThat(count("CSV_FOLDER")).isEqualTo(3);
        assertThat(document("CSV_FOLDER", "two.csv.gz:1").get("ra")).isEqualTo(12L);
    }

    @Test
    void positionsFromOtherCatalog() throws IOException {
        Path positions = tempDir.resolve("positions.csv");
        Files.writeString(positions, "id,ra,dec\n1,10.5,20.5\n2,11.5,21.5\n");
        ingest(withIdColumn(settings("POSITION_SOURCE", positions), "id"));
        Path photometry = tempDir.resolve("photometry.csv");
        Files.writeString(photometry, "source,mag\n1,15.5\n2,16.5\n3,17.5\n");
        IngestSettings base = withIdColumn(settings("PHOTOMETRY", photometry), "source");
        IngestSettings settings = new IngestSettings(
                base.catalogName(),
                base.path(),
                null,
                null,
                null,
                "source",
                1,
                2048,
                null,
                false,
                false,
                false,
                new IngestSettings.PositionSource("POSITION_SOURCE", "ra", "dec", "_id"));

        IngestSummary summary = ingest(settings);

        assertThat(summary.ingested()).isEqualTo(2);
        assertThat(summary.files().get(0).skippedRows())
                .extracting(SkippedRow::rowNumber, SkippedRow::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3L, SkipReason.POSITION_NOT_FOUND));
        Document second = document("PHOTOMETRY", 2L);
        assertThat(second.get("ra")).isEqualTo(11.5);
        assertThat(second.get("coordinates", Document.class).getList("radec_str", String.class))
                .isEqualTo(Coordinates.radecStr(11.5, 21.5));
    }

    static boolean containsNan(Object value) {
        if (value instanceof Double d) {
            return d.isNaN();
        }
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().anyMatch(CatalogIngesterTest::containsNan);
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(CatalogIngesterTest::containsNan);
        }
        return false;
    }
}
