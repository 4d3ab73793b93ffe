package org.kowalski.ingest.read;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;

/**
 * Sequential access to the rows of one catalog file. Values come out as Java types that the BSON codec
 * stores as they are: {@code String}, {@code Boolean}, {@code Integer}, {@code Long}, {@code Double},
 * {@code Decimal128} (unsigned 64-bit values beyond {@code Long.MAX_VALUE}, decimals), {@code Date},
 * {@code byte[]}, {@code List} and {@code Document}.
 */
public interface CatalogReader extends Closeable {

    /** Returns the names of the columns that rows carry, in file order. */
    List<String> columnNames();

    /** Returns the number of data rows when the format stores it (FITS, Parquet), for progress output. */
    OptionalLong rowCount();

    /** Returns the next row, or {@code null} after the last one. */
    CatalogRow next() throws IOException;
}
