package org.kowalski.ingest.read;

import java.util.Map;

/**
 * One row of a catalog file as its reader decoded it.
 *
 * @param rowNumber 1-based number of the data row in the file (a CSV header line is not counted)
 * @param values column name to value in file order; {@code null} for a masked or empty cell, and NaN
 *     kept as a {@code Double}, so that the document builder applies one null policy to every format
 * @param problem why the row cannot be read at all (for example a CSV line with too many fields), or
 *     {@code null}
 */
public record CatalogRow(long rowNumber, Map<String, Object> values, String problem) {

    public static CatalogRow of(long rowNumber, Map<String, Object> values) {
        return new CatalogRow(rowNumber, values, null);
    }

    public static CatalogRow malformed(long rowNumber, String problem) {
        return new CatalogRow(rowNumber, Map.of(), problem);
    }
}
