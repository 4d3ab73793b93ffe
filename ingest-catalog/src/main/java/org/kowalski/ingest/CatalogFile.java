package org.kowalski.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** One file to ingest and its format. */
record CatalogFile(Path path, CatalogFormat format) {

    String fileName() {
        return path.getFileName().toString();
    }

    /**
     * Lists the files to ingest: {@code path} itself when it is a file, or else every file below the
     * folder, recursively and sorted, whose name has a catalog extension ({@code .fits}, {@code .fit},
     * {@code .fts}, {@code .csv}, {@code .parquet}, {@code .pq}, each optionally followed by
     * {@code .gz}) of {@code format}, or of any format when {@code format} is {@code null}. Hidden
     * files are skipped.
     *
     * @throws IllegalArgumentException when the path does not exist or a single file's format cannot
     *     be told from its name
     */
    static List<CatalogFile> list(Path path, CatalogFormat format) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("Catalog path " + path.toAbsolutePath() + " does not exist: fix --path");
        }
        if (Files.isRegularFile(path)) {
            CatalogFormat resolved = format != null
                    ? format
                    : CatalogFormat.fromFileName(path)
                            .orElseThrow(() -> new IllegalArgumentException("Cannot tell the format of " + path
                                    + " from its name (expected .fits, .fit, .fts, .csv, .parquet or .pq, optionally"
                                    + " followed by .gz): pass --format=fits, --format=csv or --format=parquet"));
            return List.of(new CatalogFile(path, resolved));
        }
        List<CatalogFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(path)) {
            walk.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .sorted()
                    .forEach(file -> {
                        Optional<CatalogFormat> detected = CatalogFormat.fromFileName(file);
                        if (detected.isPresent() && (format == null || detected.get() == format)) {
                            files.add(new CatalogFile(file, detected.get()));
                        }
                    });
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("Cannot list the files in " + path + ": " + e.getMessage(), e);
        }
        return files;
    }

    /**
     * Returns a message naming two files with the same name, or {@code null} when all names differ;
     * ids made of the file name and row number would collide for such files.
     */
    static String sameNames(List<CatalogFile> files) {
        Map<String, Path> seen = new HashMap<>();
        for (CatalogFile file : files) {
            Path previous = seen.putIfAbsent(file.fileName(), file.path());
            if (previous != null) {
                return "Files " + previous + " and " + file.path() + " have the same name, and without --id_col the"
                        + " document ids are made from the file name and the row number, so their rows would"
                        + " replace each other: pass --id_col=<column with unique ids> or ingest the folders"
                        + " one at a time into different catalogs";
            }
        }
        return null;
    }
}
