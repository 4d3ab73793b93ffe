package org.kowalski.ingest;

import com.mongodb.reactivestreams.client.MongoCollection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.bson.Document;
import org.kowalski.ingest.progress.ProgressReporter;
import org.kowalski.ingest.read.CatalogReadException;
import org.kowalski.ingest.read.CatalogReader;
import org.kowalski.ingest.read.CatalogRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one catalog file: reads its rows, builds the documents, skips and reports bad rows, and writes
 * the rest in batches. A failure stops only this file, and its report records what was written before the failure.
 */
final class FileIngester {

    private static final Logger log = LoggerFactory.getLogger(FileIngester.class);

    /** Skipped rows logged one by one per file; the rest are counted and listed in the summary. */
    static final int MAX_LOGGED_SKIPS = 20;

    private final IngestSettings settings;
    private final MongoCollection<Document> collection;
    private final PositionLookup positions;
    private final ProgressReporter progress;
    private final AtomicBoolean storeFailed;

    /**
     * @param positions the position source, or {@code null} when positions come from the files
     * @param storeFailed set by any file whose writes failed for good, so that every file stops
     */
    FileIngester(
            IngestSettings settings,
            MongoCollection<Document> collection,
            PositionLookup positions,
            ProgressReporter progress,
            AtomicBoolean storeFailed) {
        this.settings = settings;
        this.collection = collection;
        this.positions = positions;
        this.progress = progress;
        this.storeFailed = storeFailed;
    }

    FileReport ingest(CatalogFile file) {
        FileReport report = new FileReport(file.path());
        log.info("Ingesting {} ({})", file.path(), file.format().optionValue());
        BatchWriter writer = new BatchWriter(collection, file.fileName());
        try (CatalogReader reader = file.format().open(file.path(), null)) {
            ColumnPlan plan = ColumnPlan.resolve(reader.columnNames(), settings, file.fileName());
            describe(file, plan, reader);
            readAndWrite(file, reader, plan, writer, report);
        } catch (IllegalArgumentException | CatalogReadException e) {
            report.failed(e.getMessage());
        } catch (IOException e) {
            report.failed("Reading " + file.path() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report.failed("Interrupted while ingesting " + file.path());
        } catch (RuntimeException e) {
            // A store error outside the writes, such as a failed position look-up, ends the file.
            report.failed("Ingesting " + file.path() + " failed: " + e);
            storeFailed.set(true);
        } finally {
            finishWrites(writer, report);
        }
        if (report.storeFailed()) {
            storeFailed.set(true);
        }
        if (report.failure() != null) {
            log.error("{} not fully ingested: {}", file.path(), report.failure());
        }
        progress.fileDone();
        return report;
    }

    private void describe(CatalogFile file, ColumnPlan plan, CatalogReader reader) {
        List<String> renamed = plan.renamedColumns();
        if (!renamed.isEmpty()) {
            log.warn("{}: columns stored under other field names: {}", file.fileName(), String.join(", ", renamed));
        }
        String source = settings.positionSource() == null
                ? "RA column " + plan.raColumn() + ", Dec column " + plan.decColumn()
                : "positions from collection " + settings.positionSource().collection();
        String ids = plan.idColumn() == null ? "ids <file name>:<row>" : "ids from column " + plan.idColumn();
        String rows = "";
        if (reader.rowCount().isPresent()) {
            long count = reader.rowCount().getAsLong();
            rows = count + " rows, ";
            Long maxRows = settings.maxRowsPerFile();
            progress.expectRowsOfOneFile(maxRows == null ? count : Math.min(count, maxRows));
        }
        log.info(
                "{}: {}{} columns; {}; {}",
                file.fileName(),
                rows,
                reader.columnNames().size(),
                source,
                ids);
    }

    private void readAndWrite(
            CatalogFile file, CatalogReader reader, ColumnPlan plan, BatchWriter writer, FileReport report)
            throws IOException, InterruptedException {
        CatalogDocumentBuilder builder = new CatalogDocumentBuilder(plan, file.fileName());
        Consumer<SkippedRow> skips = skipRecorder(file, report);
        Long maxRows = settings.maxRowsPerFile();
        List<Document> batch = new ArrayList<>(settings.batchSize());
        List<Long> rowNumbers = new ArrayList<>(settings.batchSize());
        while (maxRows == null || report.rowsRead() < maxRows) {
            if (storeFailed.get() || writer.storeFailed()) {
                report.failed("Stopped after row " + report.rowsRead() + " because the store failed");
                break;
            }
            CatalogRow row = reader.next();
            if (row == null) {
                break;
            }
            report.rowRead();
            progress.rowsRead(1);

            Document document = builder.fields(row, skips);
            if (document == null) {
                continue;
            }
            if (positions == null) {
                Object raValue = row.values().get(plan.raColumn());
                Object decValue = row.values().get(plan.decColumn());
                if (!builder.addCoordinates(document, row.rowNumber(), raValue, decValue, skips)) {
                    continue;
                }
            }
            batch.add(document);
            rowNumbers.add(row.rowNumber());
            if (batch.size() >= settings.batchSize()) {
                flush(batch, rowNumbers, plan, builder, writer, skips);
                batch = new ArrayList<>(settings.batchSize());
                rowNumbers = new ArrayList<>(settings.batchSize());
            }
        }
        flush(batch, rowNumbers, plan, builder, writer, skips);
    }

    /** Adds positions from the position catalog when configured, then starts writing the batch. */
    private void flush(
            List<Document> batch,
            List<Long> rowNumbers,
            ColumnPlan plan,
            CatalogDocumentBuilder builder,
            BatchWriter writer,
            Consumer<SkippedRow> skips)
            throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        if (positions == null) {
            writer.submit(batch);
            return;
        }
        List<Object> ids = new ArrayList<>(batch.size());
        for (Document document : batch) {
            ids.add(document.get("_id"));
        }
        Map<Object, PositionLookup.Position> found = positions.find(ids);
        List<Document> located = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Document document = batch.get(i);
            PositionLookup.Position position = found.get(document.get("_id"));
            if (position == null) {
                skips.accept(new SkippedRow(
                        rowNumbers.get(i),
                        SkipReason.POSITION_NOT_FOUND,
                        "id " + document.get("_id") + " in "
                                + settings.positionSource().collection()));
                continue;
            }
            document.put(plan.raColumn(), position.ra());
            document.put(plan.decColumn(), position.dec());
            if (builder.addCoordinates(document, rowNumbers.get(i), position.ra(), position.dec(), skips)) {
                located.add(document);
            }
        }
        writer.submit(located);
    }

    private Consumer<SkippedRow> skipRecorder(CatalogFile file, FileReport report) {
        return skipped -> {
            report.skipped(skipped);
            long count = report.skipped();
            if (count <= MAX_LOGGED_SKIPS) {
                log.warn(
                        "Skipped row {} of {}: {} ({})",
                        skipped.rowNumber(),
                        file.fileName(),
                        skipped.reason().description(),
                        skipped.detail());
            }
            if (count == MAX_LOGGED_SKIPS) {
                log.warn(
                        "{}: further skipped rows are counted and listed in the summary, not logged one by one",
                        file.fileName());
            }
        };
    }

    private static void finishWrites(BatchWriter writer, FileReport report) {
        try {
            report.written(writer.finish());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report.failed("Interrupted while waiting for the last writes of " + report.file());
        }
    }
}
