package org.kowalski.ingest.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads a Parquet file row group by row group. The index columns that pandas stores (named in the
 * file's {@code pandas} metadata, such as {@code __index_level_0__}) are not data and are left out, as
 * pandas does when it reads the file. A gzip-compressed file is first expanded to a temporary file,
 * because Parquet needs random access; the temporary file is deleted on close.
 */
public final class ParquetCatalogReader implements CatalogReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Path temporaryCopy;
    private final ParquetFileReader reader;
    private final MessageColumnIO columnIo;
    private final ParquetValueConverters.RowMaterializer materializer;
    private final List<String> columnNames;
    private final long rows;
    private RecordReader<Map<String, Object>> records;
    private long remainingInRowGroup;
    private long rowNumber;

    private ParquetCatalogReader(Path file, Path temporaryCopy, ParquetFileReader reader, Set<String> onlyColumns) {
        this.file = file;
        this.temporaryCopy = temporaryCopy;
        this.reader = reader;
        MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
        Set<String> indexColumns =
                pandasIndexColumns(reader.getFooter().getFileMetaData().getKeyValueMetaData());
        List<Type> fields = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Type field : fileSchema.getFields()) {
            boolean selected = onlyColumns == null || onlyColumns.contains(field.getName());
            if (selected && !indexColumns.contains(field.getName())) {
                fields.add(field);
                names.add(field.getName());
            }
        }
        MessageType requested = new MessageType(fileSchema.getName(), fields);
        reader.setRequestedSchema(requested);
        this.columnIo = new ColumnIOFactory().getColumnIO(requested, fileSchema);
        this.materializer = new ParquetValueConverters.RowMaterializer(requested);
        this.columnNames = List.copyOf(names);
        this.rows = reader.getRecordCount();
    }

    /**
     * Opens a Parquet file and reads its footer.
     *
     * @param onlyColumns names of the columns to decode, or {@code null} for all of them
     * @throws CatalogReadException when the file is not Parquet or cannot be read
     */
    public static ParquetCatalogReader open(Path file, Set<String> onlyColumns) {
        Path temporaryCopy = null;
        try {
            Path readable = file;
            if (isGzip(file)) {
                temporaryCopy = gunzipToTemporaryFile(file);
                readable = temporaryCopy;
            }
            ParquetReadOptions options =
                    ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
            ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(readable), options);
            return new ParquetCatalogReader(file, temporaryCopy, reader, onlyColumns);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporaryCopy);
            throw new CatalogReadException("Cannot read Parquet file " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream input = Files.newInputStream(file)) {
            return input.read() == 0x1f && input.read() == 0x8b;
        }
    }

    private static Path gunzipToTemporaryFile(Path file) throws IOException {
        Path copy = Files.createTempFile("kowalski-ingest-", ".parquet");
        try (InputStream input = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)), 1 << 16)) {
            Files.copy(input, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(copy);
            throw e;
        }
        return copy;
    }

    /** Returns the pandas index column names from the {@code pandas} footer metadata, if any. */
    static Set<String> pandasIndexColumns(Map<String, String> keyValueMetadata) {
        Set<String> names = new HashSet<>();
        String pandas = keyValueMetadata.get("pandas");
        if (pandas == null) {
            return names;
        }
        try {
            // A RangeIndex is described by an object and has no column; only strings name stored columns.
            for (JsonNode column : JSON.readTree(pandas).path("index_columns")) {
                if (column.isTextual()) {
                    names.add(column.asText());
                }
            }
        } catch (IOException malformed) {
            // Metadata that is not JSON names no index column, so every column is read as data.
        }
        return names;
    }

    @Override
    public List<String> columnNames() {
        return columnNames;
    }

    @Override
    public OptionalLong rowCount() {
        return OptionalLong.of(rows);
    }

    @Override
    public CatalogRow next() throws IOException {
        while (remainingInRowGroup == 0) {
            PageReadStore rowGroup = reader.readNextRowGroup();
            if (rowGroup == null) {
                return null;
            }
            records = columnIo.getRecordReader(rowGroup, materializer);
            remainingInRowGroup = rowGroup.getRowCount();
        }
        Map<String, Object> values;
        try {
            values = records.read();
        } catch (RuntimeException e) {
            throw new IOException(
                    "Cannot decode row " + (rowNumber + 1) + " of Parquet file " + file + ": " + e.getMessage(), e);
        }
        remainingInRowGroup--;
        rowNumber++;
        return CatalogRow.of(rowNumber, values);
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
        } finally {
            deleteQuietly(temporaryCopy);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // A leftover file in the temporary folder is harmless.
            }
        }
    }
}
