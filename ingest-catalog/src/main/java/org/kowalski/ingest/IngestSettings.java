package org.kowalski.ingest;

import java.nio.file.Path;

/**
 * The validated options of one ingestion run.
 *
 * @param catalogName target collection
 * @param path a catalog file, or a folder searched recursively for catalog files
 * @param format the format of every file, or {@code null} to detect it from each file name
 * @param raColumn RA column, or {@code null} to detect it; in position-catalog mode the field the
 *     looked-up RA is written to
 * @param decColumn Dec column, or {@code null} to detect it; in position-catalog mode the field the
 *     looked-up Dec is written to
 * @param idColumn column whose value becomes {@code _id}, or {@code null} for {@code <file name>:<row>}
 * @param threads files ingested in parallel
 * @param batchSize documents per bulk write
 * @param maxRowsPerFile rows read from each file at most, or {@code null} for all
 * @param deleteIngestedFiles delete each file whose rows were all ingested
 * @param verifyOnly only check that ids are unique across the files, and write nothing
 * @param skipVerify skip that check although an id column is set
 * @param positionSource where positions come from instead of the file, or {@code null}
 */
public record IngestSettings(
        String catalogName,
        Path path,
        CatalogFormat format,
        String raColumn,
        String decColumn,
        String idColumn,
        int threads,
        int batchSize,
        Long maxRowsPerFile,
        boolean deleteIngestedFiles,
        boolean verifyOnly,
        boolean skipVerify,
        PositionSource positionSource) {

    /**
     * Another collection to read each row's position from, matched by id.
     *
     * @param collection the collection holding the positions
     * @param raField its RA field, in degrees
     * @param decField its Dec field, in degrees
     * @param idField its field that holds the ids of this catalog's rows
     */
    public record PositionSource(String collection, String raField, String decField, String idField) {}
}
