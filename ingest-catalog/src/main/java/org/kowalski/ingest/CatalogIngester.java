package org.kowalski.ingest;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.kowalski.ingest.progress.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Runs one ingestion: lists the files, checks that ids are unique across them, creates the indexes once,
 * then ingests the files in parallel, one file per thread, and sums up the per-file reports.
 */
public final class CatalogIngester {

    private static final Logger log = LoggerFactory.getLogger(CatalogIngester.class);
    private static final Duration INDEX_TIMEOUT = Duration.ofMinutes(10);

    /** The 2dsphere index of every catalog, as the original ingester creates it, with its default name. */
    static final Document SPATIAL_INDEX_KEYS = new Document("coordinates.radec_geojson", "2dsphere").append("_id", 1);

    private final MongoDatabase database;
    private final boolean terminal;

    /**
     * @param database the store's database
     * @param terminal draw a progress bar (an interactive terminal) instead of logging progress lines
     */
    public CatalogIngester(MongoDatabase database, boolean terminal) {
        this.database = database;
        this.terminal = terminal;
    }

    /** Runs the ingestion; every outcome, failures included, is in the returned summary. */
    public IngestSummary run(IngestSettings settings) {
        long startNanos = System.nanoTime();
        List<CatalogFile> files;
        try {
            files = CatalogFile.list(settings.path(), settings.format());
        } catch (IllegalArgumentException e) {
            return IngestSummary.failed(settings.catalogName(), e.getMessage());
        }
        if (files.isEmpty()) {
            return IngestSummary.failed(
                    settings.catalogName(),
                    "no catalog files in " + settings.path()
                            + (settings.format() == null
                                    ? ""
                                    : " with format " + settings.format().optionValue())
                            + ": files must end in .fits, .fit, .fts, .csv, .parquet or .pq, optionally followed by .gz");
        }
        log.info("Found {} catalog files in {}", files.size(), settings.path());

        String problem = checkIds(files, settings);
        if (problem != null) {
            return IngestSummary.failed(settings.catalogName(), problem);
        }
        if (settings.verifyOnly()) {
            return new IngestSummary(settings.catalogName(), List.of(), null, true, seconds(startNanos));
        }

        MongoCollection<Document> collection = database.getCollection(settings.catalogName());
        try {
            createIndexes(collection);
        } catch (RuntimeException e) {
            return IngestSummary.failed(
                    settings.catalogName(),
                    "creating the 2dsphere index " + SPATIAL_INDEX_KEYS.toJson() + " failed: " + e.getMessage());
        }

        List<FileReport> reports = ingestFiles(files, settings, collection);
        deleteIngestedFiles(reports, settings);
        return new IngestSummary(settings.catalogName(), reports, null, false, seconds(startNanos));
    }

    private static String checkIds(List<CatalogFile> files, IngestSettings settings) {
        if (settings.idColumn() == null) {
            return CatalogFile.sameNames(files);
        }
        if (settings.skipVerify()) {
            log.warn("Not checking that ids are unique (--skip_verify): a repeated id replaces the earlier row");
            return null;
        }
        IdVerifier.Result result;
        try {
            result = IdVerifier.verify(files, settings.idColumn());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (result.unique()) {
            return null;
        }
        result.examples().forEach(example -> log.error("Duplicate {}", example));
        return result.duplicates() + " duplicate ids found in column " + settings.idColumn() + " (for example "
                + result.examples().get(0) + "). Please make sure that all the ids are unique across all files"
                + " before ingesting, or pass --skip_verify to let later rows replace earlier ones";
    }

    private static void createIndexes(MongoCollection<Document> collection) {
        log.info("Creating index {} on {}", SPATIAL_INDEX_KEYS.toJson(), collection.getNamespace());
        Mono.from(collection.createIndex(SPATIAL_INDEX_KEYS, new IndexOptions().background(true)))
                .block(INDEX_TIMEOUT);
    }

    private List<FileReport> ingestFiles(
            List<CatalogFile> files, IngestSettings settings, MongoCollection<Document> collection) {
        PositionLookup positions = settings.positionSource() == null
                ? null
                : new PositionLookup(
                        database.getCollection(settings.positionSource().collection()), settings.positionSource());
        AtomicBoolean storeFailed = new AtomicBoolean();
        int threads = Math.min(settings.threads(), files.size());
        log.info("Processing {} files with {} threads", files.size(), threads);
        List<FileReport> reports = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "ingest-file");
            thread.setDaemon(true);
            return thread;
        });
        try (ProgressReporter progress = ProgressReporter.start(terminal, files.size())) {
            FileIngester ingester = new FileIngester(settings, collection, positions, progress, storeFailed);
            List<Future<FileReport>> futures = new ArrayList<>();
            for (CatalogFile file : files) {
                futures.add(pool.submit(() -> ingester.ingest(file)));
            }
            for (int i = 0; i < futures.size(); i++) {
                reports.add(await(futures.get(i), files.get(i)));
            }
        } finally {
            pool.shutdownNow();
        }
        return reports;
    }

    private static FileReport await(Future<FileReport> future, CatalogFile file) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            FileReport report = new FileReport(file.path());
            report.failed("Interrupted before " + file.path() + " was ingested");
            return report;
        } catch (ExecutionException e) {
            FileReport report = new FileReport(file.path());
            report.failed("Ingesting " + file.path() + " failed: " + e.getCause());
            log.error("Ingesting {} failed", file.path(), e.getCause());
            return report;
        }
    }

    private static void deleteIngestedFiles(List<FileReport> reports, IngestSettings settings) {
        if (!settings.deleteIngestedFiles()) {
            return;
        }
        for (FileReport report : reports) {
            if (!report.complete() || report.ingested() == 0) {
                log.info("Keeping {}: not every row was ingested", report.file());
                continue;
            }
            try {
                Files.delete(report.file());
                log.info("Deleted {} after ingesting all {} rows (--rm)", report.file(), report.ingested());
            } catch (IOException e) {
                log.error("Failed to remove original file {}: {}", report.file(), e.toString());
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
