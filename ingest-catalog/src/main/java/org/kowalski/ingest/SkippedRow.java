package org.kowalski.ingest;

/**
 * A row that was not ingested.
 *
 * @param rowNumber 1-based data row number in its file (a CSV header line is not counted)
 * @param reason why it was skipped
 * @param detail the offending value or a short explanation
 */
public record SkippedRow(long rowNumber, SkipReason reason, String detail) {}
