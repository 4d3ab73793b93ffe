package org.kowalski.ingest;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.InvalidConfigurationException;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.mongo.StoreUnavailableException;
import org.kowalski.ingest.progress.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command-line ingestion of FITS, CSV and Parquet catalogs into the archive, with the options of the
 * original {@code ingest_catalog.py}. Exit codes: 0 when documents were ingested and nothing failed
 * (skipped bad rows aside), 1 when nothing was ingested, a file could not be ingested to its end or the
 * store failed, 2 for an invalid command line or configuration.
 */
@Command(
        name = "ingest-catalog",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "Ingests FITS, CSV and Parquet catalogs into a collection of the archive, adding the"
                    + " coordinates.radec_str and coordinates.radec_geojson fields that cone searches and"
                    + " cross-matches use, and a 2dsphere index on coordinates.radec_geojson.",
            "Rows without a valid position are skipped and listed by row number (1-based data rows, a CSV"
                    + " header not counted). Values that are NaN or masked are left out of their document.",
            "Documents are upserted by _id, so ingesting the same file again replaces its documents instead"
                    + " of adding copies. _id is the --id_col value, or else \"<file name>:<row number>\".",
            "The store is the one in config.yaml (merged over config.defaults.yaml). With database.embedded:"
                    + " true it is the store of a running `make run`, reached on 127.0.0.1:<database.port>.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:documents ingested, nothing failed (skipped rows aside)",
            "1:nothing ingested, a file not ingested to its end, or the store failed",
            "2:invalid command line or configuration"
        })
public final class IngestCatalogCommand implements Callable<Integer> {

    private static final String LOGGING_CONFIGURATION_PROPERTY = "logback.configurationFile";

    static {
        // Selects this tool's console logging before the first logger, the one below, is created.
        if (System.getProperty(LOGGING_CONFIGURATION_PROPERTY) == null) {
            System.setProperty(LOGGING_CONFIGURATION_PROPERTY, "logback-ingest.xml");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(IngestCatalogCommand.class);

    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Option(
            names = "--catalog_name",
            required = true,
            paramLabel = "<name>",
            description = "Collection to ingest into (required).")
    String catalogName;

    @Option(
            names = "--path",
            required = true,
            paramLabel = "<path>",
            description = "A catalog file, or a folder searched recursively for files ending in .fits, .fit,"
                    + " .fts, .csv, .parquet or .pq, each optionally followed by .gz (required).")
    Path path;

    @Option(
            names = "--format",
            paramLabel = "<format>",
            description = "File format: fits, csv or parquet. Default: detected from each file name. With a"
                    + " folder, only files of this format are ingested.")
    String format;

    @Option(
            names = "--ra_col",
            paramLabel = "<column>",
            description = "RA column: degrees, or sexagesimal hours such as 12:34:56.7. Default: the first"
                    + " column named ra or objra, in any case.")
    String raColumn;

    @Option(
            names = "--dec_col",
            paramLabel = "<column>",
            description = "Dec column: degrees, or sexagesimal degrees such as -05:30:00. Default: the first"
                    + " column named dec or objdec, in any case.")
    String decColumn;

    @Option(
            names = "--id_col",
            paramLabel = "<column>",
            description = "Column whose value (string or integer) becomes _id and is indexed as such. Default:"
                    + " none, and _id is \"<file name>:<row number>\".")
    String idColumn;

    @Option(
            names = "--num_proc",
            paramLabel = "<count>",
            description = "Number of files ingested in parallel, one thread each. Default: the number of"
                    + " processors (${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(
            names = "--batch_size",
            paramLabel = "<rows>",
            description = "Documents per bulk write, in rows. Default: ${DEFAULT-VALUE}.")
    int batchSize = 2048;

    @Option(
            names = "--max_docs",
            paramLabel = "<rows>",
            description = "Read at most this many rows of each file (per file, not in total). Default: all.")
    Long maxDocs;

    @Option(
            names = "--rm",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "<true|false>",
            description = "Delete each file whose rows were all ingested (none skipped, no failed write)."
                    + " Default: false.")
    boolean deleteIngestedFiles;

    @Option(
            names = "--verify_only",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "<true|false>",
            description = "Only check that the --id_col values are unique across all files; write nothing."
                    + " Default: false.")
    boolean verifyOnly;

    @Option(
            names = "--skip_verify",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "<true|false>",
            description = "Skip the check that --id_col values are unique across all files; a repeated id then"
                    + " replaces the earlier row. Default: false.")
    boolean skipVerify;

    @Option(
            names = "--position_from_catalog",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "<true|false>",
            description = "Take each row's position from another collection, matching its _id (from --id_col)"
                    + " against --position_from_catalog_id_col. The position is written to the --ra_col and"
                    + " --dec_col fields (default ra and dec). Default: false.")
    boolean positionFromCatalog;

    @Option(
            names = "--position_from_catalog_name",
            paramLabel = "<collection>",
            description = "Collection with the positions, for --position_from_catalog.")
    String positionCatalogName;

    @Option(
            names = "--position_from_catalog_ra_col",
            paramLabel = "<field>",
            description = "RA field of that collection, in degrees, for --position_from_catalog.")
    String positionCatalogRaField;

    @Option(
            names = "--position_from_catalog_dec_col",
            paramLabel = "<field>",
            description = "Dec field of that collection, in degrees, for --position_from_catalog.")
    String positionCatalogDecField;

    @Option(
            names = "--position_from_catalog_id_col",
            paramLabel = "<field>",
            description = "Field of that collection holding this catalog's ids, for --position_from_catalog.")
    String positionCatalogIdField;

    @Option(
            names = "--start_embedded_store",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "<true|false>",
            description = "With database.embedded: true, open the embedded store file in this process instead"
                    + " of connecting to a running `make run` (which must then be stopped). Default: false.")
    boolean startEmbeddedStore;

    /** The summary of the last run, for tests that call {@link #execute}. */
    IngestSummary summary;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Parses the arguments and runs the ingestion; returns the exit code. */
    public static int execute(String... args) {
        return commandLine(new IngestCatalogCommand()).execute(args);
    }

    static CommandLine commandLine(IngestCatalogCommand command) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((error, cmd, parseResult) -> {
            log.error("Ingestion failed: {}", error.toString(), error);
            return EXIT_FAILED;
        });
        return commandLine;
    }

    @Override
    public Integer call() {
        IngestSettings settings;
        KowalskiConfig config;
        try {
            settings = settings();
            config = ConfigLoader.load();
        } catch (IllegalArgumentException | InvalidConfigurationException e) {
            log.error("{}", e.getMessage());
            return EXIT_USAGE;
        }

        try (StoreConnector.Connection connection = StoreConnector.connect(config, startEmbeddedStore)) {
            CatalogIngester ingester = new CatalogIngester(connection.database(), ProgressReporter.isTerminal());
            summary = ingester.run(settings);
        } catch (StoreUnavailableException e) {
            summary = IngestSummary.failed(settings.catalogName(), e.getMessage());
        }
        for (String line : summary.lines()) {
            if (summary.exitCode() == 0) {
                log.info("{}", line);
            } else {
                log.error("{}", line);
            }
        }
        return summary.exitCode();
    }

    /** Validates the options; the messages name the option and the fix. */
    IngestSettings settings() {
        requireValidCollectionName(catalogName, "--catalog_name");
        if (threads < 1) {
            throw new IllegalArgumentException("Invalid value for --num_proc: " + threads + "; use 1 or more");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("Invalid value for --batch_size: " + batchSize + "; use 1 or more");
        }
        if (maxDocs != null && maxDocs < 1) {
            throw new IllegalArgumentException(
                    "Invalid value for --max_docs: " + maxDocs + "; use 1 or more, or leave it out to read every row");
        }
        if (verifyOnly && idColumn == null) {
            throw new IllegalArgumentException("--verify_only checks the --id_col values: pass --id_col=<column>");
        }
        if (verifyOnly && skipVerify) {
            throw new IllegalArgumentException("--verify_only and --skip_verify exclude each other: pass one of them");
        }
        CatalogFormat catalogFormat = format == null ? null : CatalogFormat.fromOption(format);
        IngestSettings.PositionSource positionSource = positionFromCatalog ? positionSource() : null;
        return new IngestSettings(
                catalogName,
                path,
                catalogFormat,
                raColumn,
                decColumn,
                idColumn,
                threads,
                batchSize,
                maxDocs,
                deleteIngestedFiles,
                verifyOnly,
                skipVerify,
                positionSource);
    }

    private IngestSettings.PositionSource positionSource() {
        if (idColumn == null) {
            throw new IllegalArgumentException("No ID column (in the catalog to ingest) provided to get positions"
                    + " from: --position_from_catalog needs --id_col");
        }
        require(positionCatalogName, "--position_from_catalog_name");
        require(positionCatalogRaField, "--position_from_catalog_ra_col");
        require(positionCatalogDecField, "--position_from_catalog_dec_col");
        require(positionCatalogIdField, "--position_from_catalog_id_col");
        requireValidCollectionName(positionCatalogName, "--position_from_catalog_name");
        if (positionCatalogName.equals(catalogName)) {
            throw new IllegalArgumentException("Cannot get positions from the same collection: "
                    + "--position_from_catalog_name must differ from --catalog_name");
        }
        return new IngestSettings.PositionSource(
                positionCatalogName, positionCatalogRaField, positionCatalogDecField, positionCatalogIdField);
    }

    private static void require(String value, String option) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--position_from_catalog needs " + option);
        }
    }

    private static void requireValidCollectionName(String name, String option) {
        if (name.isBlank() || name.contains("$") || name.contains("\0") || name.startsWith("system.")) {
            throw new IllegalArgumentException("Invalid value for " + option + ": '" + name
                    + "'; a collection name must be non-empty, contain neither '$' nor NUL, and not start with"
                    + " 'system.'");
        }
    }
}
