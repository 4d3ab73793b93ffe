package org.kowalski.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.kowalski.ingest.read.CatalogReader;
import org.kowalski.ingest.read.CsvCatalogReader;
import org.kowalski.ingest.read.FitsCatalogReader;
import org.kowalski.ingest.read.ParquetCatalogReader;

/** The catalog file formats the ingester reads, each recognised by its file name extensions. */
public enum CatalogFormat {
    FITS("fits", List.of(".fits", ".fit", ".fts")),
    CSV("csv", List.of(".csv")),
    PARQUET("parquet", List.of(".parquet", ".pq"));

    private final String optionValue;
    private final List<String> extensions;

    CatalogFormat(String optionValue, List<String> extensions) {
        this.optionValue = optionValue;
        this.extensions = extensions;
    }

    /** Returns the value of {@code --format} that selects this format. */
    public String optionValue() {
        return optionValue;
    }

    /**
     * Returns the format that a file name's extension names, case-insensitively, with an optional
     * {@code .gz} or {@code .gzip} after it ({@code x.fits.gz}, {@code x.CSV}, {@code x.parquet}).
     */
    public static Optional<CatalogFormat> fromFileName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        } else if (name.endsWith(".gzip")) {
            name = name.substring(0, name.length() - 5);
        }
        for (CatalogFormat format : values()) {
            for (String extension : format.extensions) {
                if (name.endsWith(extension)) {
                    return Optional.of(format);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the format named by a {@code --format} value ({@code fits}, {@code csv} or
     * {@code parquet}, any case).
     *
     * @throws IllegalArgumentException for any other value
     */
    public static CatalogFormat fromOption(String value) {
        for (CatalogFormat format : values()) {
            if (format.optionValue.equalsIgnoreCase(value.strip())) {
                return format;
            }
        }
        throw new IllegalArgumentException(
                "Invalid value for --format: '" + value + "'; use one of fits, csv, parquet");
    }

    /**
     * Opens a reader for a file of this format.
     *
     * @param onlyColumns names of the columns to decode, or {@code null} for all of them
     */
    public CatalogReader open(Path file, Set<String> onlyColumns) {
        return switch (this) {
            case FITS -> FitsCatalogReader.open(file, onlyColumns);
            case CSV -> CsvCatalogReader.open(file, onlyColumns);
            case PARQUET -> ParquetCatalogReader.open(file, onlyColumns);
        };
    }
}
