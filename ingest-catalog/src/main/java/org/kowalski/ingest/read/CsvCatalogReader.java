package org.kowalski.ingest.read;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * Streams a comma-separated file with a header line (UTF-8, optionally gzip-compressed), so files of any
 * size are read in constant memory. Quoted fields may contain commas and line breaks. Cell types are
 * inferred per cell, see {@link CsvValues}.
 */
public final class CsvCatalogReader implements CatalogReader {

    private final Path file;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> header;
    private final boolean[] selected;
    private final List<String> columnNames;
    private long rowNumber;

    private CsvCatalogReader(Path file, CSVParser parser, Set<String> onlyColumns) {
        this.file = file;
        this.parser = parser;
        this.records = parser.iterator();
        this.header = parser.getHeaderNames();
        this.selected = new boolean[header.size()];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            selected[i] = onlyColumns == null || onlyColumns.contains(header.get(i));
            if (selected[i]) {
                names.add(header.get(i));
            }
        }
        this.columnNames = List.copyOf(names);
    }

    /**
     * Opens a CSV file and reads its header line.
     *
     * @param onlyColumns names of the columns to decode, or {@code null} for all of them
     * @throws CatalogReadException when the file cannot be read or its header is empty or repeats a name
     */
    public static CsvCatalogReader open(Path file, Set<String> onlyColumns) {
        InputStream input = null;
        try {
            input = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            if (isGzip(input)) {
                input = new GZIPInputStream(input, 1 << 16);
            }
            Reader reader = new InputStreamReader(input, StandardCharsets.UTF_8);
            CSVFormat format = CSVFormat.DEFAULT
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .setIgnoreEmptyLines(true)
                    .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
                    .get();
            CSVParser parser =
                    CSVParser.builder().setReader(reader).setFormat(format).get();
            if (parser.getHeaderNames().isEmpty()) {
                parser.close();
                throw new CatalogReadException("CSV file " + file + " has no header line: the first line must name"
                        + " the columns, separated by commas");
            }
            return new CsvCatalogReader(file, parser, onlyColumns);
        } catch (IOException | IllegalArgumentException | UncheckedIOException e) {
            closeQuietly(input);
            throw new CatalogReadException("Cannot read the header of CSV file " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isGzip(InputStream input) throws IOException {
        input.mark(2);
        int first = input.read();
        int second = input.read();
        input.reset();
        return first == 0x1f && second == 0x8b;
    }

    @Override
    public List<String> columnNames() {
        return columnNames;
    }

    @Override
    public OptionalLong rowCount() {
        return OptionalLong.empty();
    }

    @Override
    public CatalogRow next() throws IOException {
        CSVRecord record;
        try {
            if (!records.hasNext()) {
                return null;
            }
            record = records.next();
        } catch (UncheckedIOException e) {
            throw new IOException(
                    "Cannot parse CSV file " + file + " after data row " + rowNumber + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        }
        rowNumber++;
        if (record.size() != header.size()) {
            return CatalogRow.malformed(
                    rowNumber,
                    "line " + parser.getCurrentLineNumber() + " has " + record.size() + " fields but the header names "
                            + header.size() + " columns");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (selected[i]) {
                values.put(header.get(i), CsvValues.parse(record.get(i)));
            }
        }
        return CatalogRow.of(rowNumber, values);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    private static void closeQuietly(InputStream input) {
        if (input != null) {
            try {
                input.close();
            } catch (IOException ignored) {
                // The open failure is what the caller reports.
            }
        }
    }
}
