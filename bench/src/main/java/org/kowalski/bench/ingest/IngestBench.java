package org.kowalski.bench.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kowalski.bench.BenchEnvironment;
import org.kowalski.ingest.CatalogFormat;
import org.kowalski.ingest.CatalogIngester;
import org.kowalski.ingest.IngestSettings;
import org.kowalski.ingest.IngestSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestion benchmark. The IGAPS FITS sample is repeated into one large FITS file and, as text, into
 * one CSV file, because there is no CSV sample. The Parquet sample is copied into a folder of files.
 * Each has at least the requested rows and is ingested by the catalog ingester into a fresh collection.
 */
public final class IngestBench {

    private static final Logger log = LoggerFactory.getLogger(IngestBench.class);

    static final String FITS_SAMPLE = "data/catalogs/igaps-dr1-215a-small.fits.gz";
    static final String PARQUET_SAMPLE = "data/catalogs/ztf_000250_zg_c01_q1_dr5.parquet";

    /** Rows of each format ingested first to measure its rate. */
    static final long CALIBRATION_ROWS = 5000;

    static final long PARQUET_SAMPLE_ROWS = 5449;

    /** Documents per bulk write, the ingester's default. */
    private static final int BATCH_SIZE = 2048;

    private final BenchEnvironment environment;
    private final Path sharedDir;
    private final Path workDir;

    public IngestBench(BenchEnvironment environment, Path sharedDir, Path workDir) {
        this.environment = environment;
        this.sharedDir = sharedDir;
        this.workDir = workDir;
    }

    /** Returns why the benchmark cannot run, or null when the samples are there. */
    public String unavailable() {
        for (String sample : List.of(FITS_SAMPLE, PARQUET_SAMPLE)) {
            if (!Files.isRegularFile(sharedDir.resolve(sample))) {
                return "the sample catalog " + sharedDir.resolve(sample) + " is missing";
            }
        }
        return null;
    }

    /**
     * Makes the scaled-up files of {@code rows} rows and ingests each, up to {@code runs} times, within
     * the time until {@code deadline}. A first ingestion of {@value #CALIBRATION_ROWS} rows per format
     * measures the rate. When one round of whole files fits in the time left, runs ingest whole files
     * and repeat while the next round fits. Otherwise each of the {@code runs} ingests only the first rows
     * of each file (the ingester's {@code --max_docs}), as many as fit.
     */
    public List<IngestResult> run(long rows, int runs, Instant deadline) throws IOException {
        Path fitsSample = sharedDir.resolve(FITS_SAMPLE);
        Path parquetSample = sharedDir.resolve(PARQUET_SAMPLE);
        Files.createDirectories(workDir);

        Path fits = workDir.resolve("igaps_scaled.fits");
        long fitsRows = ScaledCatalogs.fits(fitsSample, fits, rows);
        Path csv = workDir.resolve("igaps_scaled.csv");
        long csvRows = ScaledCatalogs.csvFromFits(fitsSample, csv, rows);
        Path parquetFolder = workDir.resolve("parquet");
        int copies = (int) ((rows + PARQUET_SAMPLE_ROWS - 1) / PARQUET_SAMPLE_ROWS);
        ScaledCatalogs.copies(parquetSample, parquetFolder, copies);
        Path parquetOne = workDir.resolve("parquet-one");
        ScaledCatalogs.copies(parquetSample, parquetOne, 1);

        List<Measurement> measurements = List.of(
                new Measurement(
                        "fits",
                        fitsSample.getFileName() + " (100 rows) repeated, one file",
                        fits,
                        CatalogFormat.FITS,
                        fitsRows),
                new Measurement(
                        "csv", fitsSample.getFileName() + " rows as CSV, one file", csv, CatalogFormat.CSV, csvRows),
                new Measurement(
                        "parquet",
                        parquetSample.getFileName() + " (" + PARQUET_SAMPLE_ROWS + " rows) copied into " + copies
                                + " files",
                        parquetFolder,
                        CatalogFormat.PARQUET,
                        (long) copies * PARQUET_SAMPLE_ROWS));

        // Calibration: the rate of each format on a small slice, which the time left is shared by.
        double secondsPerRow = 0;
        for (Measurement measurement : measurements) {
            boolean parquet = measurement.catalogFormat == CatalogFormat.PARQUET;
            Path path = parquet ? parquetOne : measurement.path;
            double rate = ingest(measurement, path, CALIBRATION_ROWS, "calibration");
            secondsPerRow += 1.0 / Math.max(rate, 1e-3);
        }
        // Whole files when one round of them fits; further rounds only while they fit too.
        double secondsLeft =
                Math.max(0, java.time.Duration.between(Instant.now(), deadline).toSeconds());
        long rowsPerRun;
        if (rows * secondsPerRow <= secondsLeft) {
            rowsPerRun = rows;
        } else {
            rowsPerRun = Math.max(CALIBRATION_ROWS, (long) Math.min(rows, secondsLeft / runs / secondsPerRow));
        }
        log.info("Ingestion: {} rows per format and run fit the time left ({} s)", rowsPerRun, (long) secondsLeft);

        for (int run = 0; run < runs; run++) {
            long roundStart = System.nanoTime();
            for (Measurement measurement : measurements) {
                Long maxRows = null;
                Path path = measurement.path;
                if (rowsPerRun < measurement.rows) {
                    if (measurement.catalogFormat == CatalogFormat.PARQUET) {
                        // --max_docs caps each file, so fewer whole files give the row count instead.
                        path = parquetSubset(parquetFolder, rowsPerRun);
                    } else {
                        maxRows = rowsPerRun;
                    }
                }
                measurement.rates.add(ingest(measurement, path, maxRows, "run " + (run + 1)));
            }
            long roundSeconds = (System.nanoTime() - roundStart) / 1_000_000_000;
            if (run + 1 < runs && Instant.now().plusSeconds(roundSeconds).isAfter(deadline)) {
                log.info("Ingestion stopped after {} runs: another would end after its share of the budget", run + 1);
                break;
            }
        }
        List<IngestResult> results = new ArrayList<>();
        for (Measurement measurement : measurements) {
            environment.drop(measurement.catalog());
            results.add(new IngestResult(
                    measurement.format, measurement.source, measurement.rows, measurement.rates, measurement.ingested));
        }
        return results;
    }

    /** Returns a folder with as many whole Parquet copies as give at least {@code rows} rows. */
    private Path parquetSubset(Path parquetFolder, long rows) throws IOException {
        int files = (int) Math.max(1, (rows + PARQUET_SAMPLE_ROWS - 1) / PARQUET_SAMPLE_ROWS);
        Path subset = workDir.resolve("parquet-" + files);
        if (!Files.isDirectory(subset)) {
            Files.createDirectories(subset);
            try (var copies = Files.list(parquetFolder)) {
                for (Path file : copies.sorted().limit(files).toList()) {
                    Files.createLink(subset.resolve(file.getFileName()), file);
                }
            }
        }
        return subset;
    }

    /** One scaled-up file and its results so far. */
    private static final class Measurement {
        final String format;
        final String source;
        final Path path;
        final CatalogFormat catalogFormat;
        final long rows;
        final List<Double> rates = new ArrayList<>();
        long ingested;

        Measurement(String format, String source, Path path, CatalogFormat catalogFormat, long rows) {
            this.format = format;
            this.source = source;
            this.path = path;
            this.catalogFormat = catalogFormat;
            this.rows = rows;
        }

        String catalog() {
            return "BENCH_ingest_" + format;
        }
    }

    /** Ingests a file or folder into an empty collection and returns rows stored per second. */
    private double ingest(Measurement measurement, Path path, Long maxRows, String label) {
        environment.drop(measurement.catalog());
        IngestSettings settings = new IngestSettings(
                measurement.catalog(),
                path,
                measurement.catalogFormat,
                null,
                null,
                null,
                1,
                BATCH_SIZE,
                maxRows,
                false,
                false,
                false,
                null);
        long start = System.nanoTime();
        IngestSummary summary = new CatalogIngester(environment.database(), false).run(settings);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (summary.runFailure() != null) {
            throw new IllegalStateException("Ingesting " + path + " failed: " + summary.runFailure());
        }
        measurement.ingested = summary.ingested();
        log.info(
                "Ingestion of {}, {}: {} rows stored in {} s ({} rows/s)",
                measurement.format,
                label,
                summary.ingested(),
                String.format(Locale.ROOT, "%.1f", seconds),
                Math.round(summary.ingested() / seconds));
        return summary.ingested() / seconds;
    }
}
