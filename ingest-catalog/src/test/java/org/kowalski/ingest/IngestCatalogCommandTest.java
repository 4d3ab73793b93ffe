package org.kowalski.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.mongo.MongoConnections;
import org.kowalski.common.testing.SharedData;
import org.kowalski.common.testing.TestConfigs;
import reactor.core.publisher.Mono;

/**
 * Runs the command as users do. The configuration comes from the project's config.defaults.yaml, whose
 * embedded store is the one this test process starts.
 */
class IngestCatalogCommandTest {

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

    private static long count(String collection) {
        return Mono.from(database.getCollection(collection).countDocuments()).block();
    }

    @Test
    void helpExplainsEveryOption() {
        // Picocli wraps the descriptions, so whitespace runs are joined before searching.
        String usage = IngestCatalogCommand.commandLine(new IngestCatalogCommand())
                .getUsageMessage()
                .replaceAll("\\s+", " ");

        for (String option : new String[] {
            "--catalog_name",
            "--path",
            "--format",
            "--ra_col",
            "--dec_col",
            "--id_col",
            "--num_proc",
            "--batch_size",
            "--max_docs",
            "--rm",
            "--verify_only",
            "--skip_verify",
            "--position_from_catalog",
            "--position_from_catalog_name",
            "--position_from_catalog_ra_col",
            "--position_from_catalog_dec_col",
            "--position_from_catalog_id_col",
            "--start_embedded_store",
            "--help"
        }) {
            assertThat(usage).contains(option);
        }
        assertThat(usage).contains("Documents per bulk write, in rows. Default: 2048.");
        assertThat(usage)
                .contains("Default: the number of processors ("
                        + Runtime.getRuntime().availableProcessors());
        assertThat(usage).contains("(per file, not in total)");
    }

    @Test
    void missingRequiredOptionIsUsageError() {
        assertThat(IngestCatalogCommand.execute("--path=x.fits")).isEqualTo(2);
    }

    @Test
    void invalidFormatIsUsageError() {
        Path file = SharedData.require(CatalogIngesterTest.IGAPS);

        int exitCode = IngestCatalogCommand.execute("--catalog_name=BAD_FORMAT", "--path=" + file, "--format=votable");

        assertThat(exitCode).isEqualTo(2);
        assertThat(count("BAD_FORMAT")).isZero();
    }

    @Test
    void maxDocsStoresTen() {
        Path file = SharedData.require(CatalogIngesterTest.IGAPS);

        int exitCode = IngestCatalogCommand.execute("--catalog_name=MAX_DOCS_TEN", "--path=" + file, "--max_docs=10");

        assertThat(exitCode).isZero();
        assertThat(count("MAX_DOCS_TEN")).isEqualTo(10);
    }

    @Test
    void nothingIngestedExitsWithOne() throws IOException {
        Path file = tempDir.resolve("all_bad.csv");
        Files.writeString(file, "ra,dec\n,10\n400,20\n");

        int exitCode = IngestCatalogCommand.execute("--catalog_name=ALL_BAD", "--path=" + file);

        assertThat(exitCode).isEqualTo(1);
        assertThat(count("ALL_BAD")).isZero();
    }

    @Test
    void deletesOnlyFullyIngestedFiles() throws IOException {
        Path good = Files.writeString(tempDir.resolve("good.csv"), "ra,dec\n10,20\n");
        Path bad = Files.writeString(tempDir.resolve("partly_bad.csv"), "ra,dec\n10,20\n,30\n");

        int exitCode = IngestCatalogCommand.execute("--catalog_name=REMOVED", "--path=" + tempDir, "--rm");

        assertThat(exitCode).isZero();
        assertThat(count("REMOVED")).isEqualTo(2);
        assertThat(good).doesNotExist();
        assertThat(bad).exists();
    }
}
