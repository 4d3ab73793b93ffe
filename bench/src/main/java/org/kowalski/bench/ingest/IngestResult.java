package org.kowalski.bench.ingest;

import java.util.List;

/**
 * The figures of one catalog format's ingestion over its runs.
 *
 * @param format {@code fits}, {@code csv} or {@code parquet}
 * @param source the sample file the scaled-up file was made from
 * @param rows rows of the scaled-up file (or folder)
 * @param rowsPerSecond rows ingested per second, one value per run
 * @param ingested rows the ingester reported stored in the last run, fewer than {@code rows} when the
 *     time budget allowed only part of the file
 */
public record IngestResult(String format, String source, long rows, List<Double> rowsPerSecond, long ingested) {}
