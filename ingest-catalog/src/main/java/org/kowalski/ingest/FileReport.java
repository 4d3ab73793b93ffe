package org.kowalski.ingest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What happened to one catalog file: rows read, written and skipped, and a file-level failure if the
 * file could not be processed to its end. Filled by the one thread that ingests the file.
 */
public final class FileReport {

    /** How many skipped rows are kept with their numbers; the counts per reason are always complete. */
    public static final int MAX_LISTED_SKIPPED_ROWS = 1_000;

    private final Path file;
    private long rowsRead;
    private long inserted;
    private long updated;
    private long writeFailures;
    private final Map<SkipReason, Long> skipCounts = new EnumMap<>(SkipReason.class);
    private final List<SkippedRow> skippedRows = new ArrayList<>();
    private final List<String> writeErrors = new ArrayList<>();
    private String failure;
    private boolean storeFailed;

    public FileReport(Path file) {
        this.file = file;
    }

    void rowRead() {
        rowsRead++;
    }

    void skipped(SkippedRow row) {
        skipCounts.merge(row.reason(), 1L, Long::sum);
        if (skippedRows.size() < MAX_LISTED_SKIPPED_ROWS) {
            skippedRows.add(row);
        }
    }

    void written(BatchWriter.Totals totals) {
        inserted += totals.inserted();
        updated += totals.updated();
        writeFailures += totals.failed();
        writeErrors.addAll(totals.errorSamples());
        if (totals.storeFailure() != null) {
            storeFailed = true;
            failure = failure == null ? totals.storeFailure() : failure;
        }
    }

    void failed(String message) {
        failure = message;
    }

    public Path file() {
        return file;
    }

    public long rowsRead() {
        return rowsRead;
    }

    /** Returns the documents written: new ones plus replaced ones. */
    public long ingested() {
        return inserted + updated;
    }

    public long inserted() {
        return inserted;
    }

    public long updated() {
        return updated;
    }

    public long writeFailures() {
        return writeFailures;
    }

    public long skipped() {
        long total = 0;
        for (long count : skipCounts.values()) {
            total += count;
        }
        return total;
    }

    public Map<SkipReason, Long> skipCounts() {
        return Collections.unmodifiableMap(skipCounts);
    }

    /** Returns the first {@value #MAX_LISTED_SKIPPED_ROWS} skipped rows, in file order. */
    public List<SkippedRow> skippedRows() {
        return Collections.unmodifiableList(skippedRows);
    }

    /** Returns the first few store error messages, each naming the document {@code _id}. */
    public List<String> writeErrors() {
        return Collections.unmodifiableList(writeErrors);
    }

    /** Returns why the file was not processed to its end, or {@code null}. */
    public String failure() {
        return failure;
    }

    public boolean storeFailed() {
        return storeFailed;
    }

    /** Returns whether every row was read and written: no failure, no skipped row, no failed write. */
    public boolean complete() {
        return failure == null && writeFailures == 0 && skipCounts.isEmpty();
    }
}
