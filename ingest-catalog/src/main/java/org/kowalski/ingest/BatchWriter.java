package org.kowalski.ingest;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Writes the documents of one file in unordered bulk writes of whole batches, with at most
 * {@value #MAX_IN_FLIGHT} batches in flight, so reading the next batch overlaps with writing.
 *
 * <p>A batch is inserted first. Documents whose {@code _id} already exists (duplicate key, as when the
 * same file is ingested again) are then replaced, so a re-run updates documents instead of adding
 * copies or silently keeping stale ones; inserting first keeps the common first run fast (on the
 * embedded store a replace-upsert costs about 1.5 times an insert). Connection errors and timeouts are
 * retried {@value #MAX_RETRIES} times with back-off, which is safe because a retried insert of an
 * existing document turns into a replace. Documents the store rejects (too large, invalid GeoJSON for
 * the 2dsphere index) are counted as failed with their {@code _id}; a batch that still fails after the
 * retries marks the store as failed.
 */
final class BatchWriter {

    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

    static final int MAX_IN_FLIGHT = 2;
    static final int MAX_RETRIES = 3;
    private static final int MAX_ERROR_SAMPLES = 10;
    private static final long FIRST_RETRY_DELAY_MS = 1_000;
    private static final Duration WRITE_TIMEOUT = Duration.ofMinutes(10);

    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final MongoCollection<Document> collection;
    private final String fileName;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ExecutorService writers;
    private long inserted;
    private long updated;
    private long failed;
    private final List<String> errorSamples = new ArrayList<>();
    private String storeFailure;

    /** Counts of one file's writes. */
    record Totals(long inserted, long updated, long failed, List<String> errorSamples, String storeFailure) {}

    BatchWriter(MongoCollection<Document> collection, String fileName) {
        this.collection = collection;
        this.fileName = fileName;
        this.writers = Executors.newFixedThreadPool(MAX_IN_FLIGHT, runnable -> {
            Thread thread = new Thread(runnable, "ingest-write");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts writing a batch; blocks while {@value #MAX_IN_FLIGHT} batches are still being written. */
    void submit(List<Document> documents) throws InterruptedException {
        if (documents.isEmpty()) {
            return;
        }
        inFlight.acquire();
        try {
            writers.execute(() -> {
                try {
                    write(documents);
                } finally {
                    inFlight.release();
                }
            });
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
    }

    /** Waits for the batches in flight and returns the totals. */
    Totals finish() throws InterruptedException {
        writers.shutdown();
        if (!writers.awaitTermination(WRITE_TIMEOUT.toMinutes() * (MAX_RETRIES + 1), TimeUnit.MINUTES)) {
            writers.shutdownNow();
        }
        synchronized (this) {
            return new Totals(inserted, updated, failed, List.copyOf(errorSamples), storeFailure);
        }
    }

    /** Returns whether a batch failed for good, so the caller can stop reading. */
    synchronized boolean storeFailed() {
        return storeFailure != null;
    }

    private void write(List<Document> documents) {
        try {
            bulkWrite(documents, document -> new InsertOneModel<>(document));
            counted(documents.size(), 0, 0);
        } catch (MongoBulkWriteException bulk) {
            List<Document> existing = new ArrayList<>();
            List<BulkWriteError> rejected = new ArrayList<>();
            for (BulkWriteError error : bulk.getWriteErrors()) {
                if (error.getCategory() == ErrorCategory.DUPLICATE_KEY) {
                    existing.add(documents.get(error.getIndex()));
                } else {
                    rejected.add(error);
                }
            }
            counted(documents.size() - bulk.getWriteErrors().size(), 0, 0);
            rejected(rejected, documents);
            if (!existing.isEmpty()) {
                replace(existing);
            }
        } catch (RuntimeException e) {
            batchFailed(e, documents.size());
        }
    }

    private void replace(List<Document> documents) {
        try {
            bulkWrite(
                    documents,
                    document -> new ReplaceOneModel<>(Filters.eq("_id", document.get("_id")), document, UPSERT));
            counted(0, documents.size(), 0);
        } catch (MongoBulkWriteException bulk) {
            counted(0, documents.size() - bulk.getWriteErrors().size(), 0);
            rejected(bulk.getWriteErrors(), documents);
        } catch (RuntimeException e) {
            batchFailed(e, documents.size());
        }
    }

    /** Runs one unordered bulk write, retrying connection errors and timeouts with back-off. */
    private BulkWriteResult bulkWrite(List<Document> documents, Function<Document, WriteModel<Document>> model) {
        List<WriteModel<Document>> models = new ArrayList<>(documents.size());
        for (Document document : documents) {
            models.add(model.apply(document));
        }
        long delayMs = FIRST_RETRY_DELAY_MS;
        for (int attempt = 0; ; attempt++) {
            try {
                return Mono.from(collection.bulkWrite(models, UNORDERED)).block(WRITE_TIMEOUT);
            } catch (RuntimeException e) {
                if (attempt >= MAX_RETRIES || !isTransient(e)) {
                    throw e;
                }
                log.warn(
                        "Writing a batch of {} documents from {} failed ({}); retry {} of {} in {} ms",
                        documents.size(),
                        fileName,
                        e.toString(),
                        attempt + 1,
                        MAX_RETRIES,
                        delayMs);
                sleep(delayMs);
                delayMs *= 2;
            }
        }
    }

    private synchronized void counted(long newDocuments, long replacedDocuments, long failedDocuments) {
        inserted += newDocuments;
        updated += replacedDocuments;
        failed += failedDocuments;
    }

    private synchronized void rejected(List<BulkWriteError> errors, List<Document> documents) {
        failed += errors.size();
        for (BulkWriteError error : errors) {
            if (errorSamples.size() >= MAX_ERROR_SAMPLES) {
                break;
            }
            Object id = documents.get(error.getIndex()).get("_id");
            String message = "document _id " + id + " from " + fileName + " rejected by the store: "
                    + error.getMessage() + " (code " + error.getCode() + ")";
            errorSamples.add(message);
            log.error("Writing {}", message);
        }
    }

    private synchronized void batchFailed(Throwable error, int batchSize) {
        failed += batchSize;
        String message = "writing a batch of " + batchSize + " documents from " + fileName + " failed: " + error;
        if (storeFailure == null) {
            storeFailure = message;
        }
        log.error("Store failure: {}", message);
    }

    private static boolean isTransient(Throwable error) {
        Throwable cause = error;
        while (cause != null) {
            if (cause instanceof MongoSocketException
                    || cause instanceof MongoTimeoutException
                    || (cause instanceof MongoException mongo && mongo.hasErrorLabel("RetryableWriteError"))) {
                return true;
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return false;
    }

    private static void sleep(long delayMs) {
        try {
            Thread.sleep(delayMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to retry a write", e);
        }
    }
}
