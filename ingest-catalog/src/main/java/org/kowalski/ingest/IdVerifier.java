package org.kowalski.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kowalski.ingest.read.CatalogReader;
import org.kowalski.ingest.read.CatalogRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that the id column contains no value twice across all files of a run, before anything is written:
 * the id becomes {@code _id}, so a repeated id would replace the earlier row. Reads only the id column.
 *
 * <p>NOTE: every id of the run is kept in memory (one map entry per row), as in the original ingester;
 * for catalogs of hundreds of millions of rows, verify per file or pass {@code --skip_verify}.
 */
final class IdVerifier {

    private static final Logger log = LoggerFactory.getLogger(IdVerifier.class);
    private static final int MAX_EXAMPLES = 20;

    private IdVerifier() {}

    /**
     * The outcome of the check.
     *
     * @param ids ids read (rows without an id are not counted)
     * @param duplicates ids seen again after their first row
     * @param examples the first duplicates, each naming both files and rows
     */
    record Result(long ids, long duplicates, List<String> examples) {

        boolean unique() {
            return duplicates == 0;
        }
    }

    /**
     * Reads the id column of every file.
     *
     * @throws IllegalArgumentException when a file lacks the id column or cannot be read
     */
    static Result verify(List<CatalogFile> files, String idColumn) {
        Map<Object, Long> firstSeen = new HashMap<>();
        long ids = 0;
        long duplicates = 0;
        List<String> examples = new ArrayList<>();
        for (int fileIndex = 0; fileIndex < files.size(); fileIndex++) {
            CatalogFile file = files.get(fileIndex);
            try (CatalogReader reader = file.format().open(file.path(), Set.of(idColumn))) {
                if (!reader.columnNames().contains(idColumn)) {
                    throw new IllegalArgumentException(
                            "Provided ID column " + idColumn + " not found in " + file.path() + ": fix --id_col");
                }
                for (CatalogRow row = reader.next(); row != null; row = reader.next()) {
                    Object id = CatalogDocumentBuilder.normalizeId(
                            CatalogDocumentBuilder.clean(row.values().get(idColumn)));
                    if (id == null) {
                        continue;
                    }
                    ids++;
                    // File index in the high bits, row number in the low 40 bits (files of up to 10^12 rows).
                    Long previous = firstSeen.putIfAbsent(id, ((long) fileIndex << 40) | row.rowNumber());
                    if (previous != null) {
                        duplicates++;
                        if (examples.size() < MAX_EXAMPLES) {
                            CatalogFile first = files.get((int) (previous >>> 40));
                            examples.add(
                                    "id " + id + " in " + first.fileName() + " row " + (previous & ((1L << 40) - 1))
                                            + " and in " + file.fileName() + " row " + row.rowNumber());
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "Reading the ids of " + file.path() + " failed: " + e.getMessage(), e);
            }
        }
        log.info("In total, {} unique ids out of {} in column {}", ids - duplicates, ids, idColumn);
        return new Result(ids, duplicates, List.copyOf(examples));
    }
}
