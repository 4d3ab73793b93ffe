package org.kowalski.ingest;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The outcome of a run: one report per file, or the reason the run stopped before any file.
 *
 * @param catalogName target collection
 * @param files per-file reports, in file order
 * @param runFailure why the run stopped before ingesting (no files, duplicate ids, store unreachable),
 *     or {@code null}
 * @param verifyOnly whether the run only checked the ids
 * @param seconds wall-clock duration of the run
 */
public record IngestSummary(
        String catalogName, List<FileReport> files, String runFailure, boolean verifyOnly, double seconds) {

    /** Row numbers listed per reason and file in the summary lines. */
    static final int MAX_ROWS_PER_LINE = 20;

    static IngestSummary failed(String catalogName, String runFailure) {
        return new IngestSummary(catalogName, List.of(), runFailure, false, 0);
    }

    public long rowsRead() {
        return files.stream().mapToLong(FileReport::rowsRead).sum();
    }

    public long ingested() {
        return files.stream().mapToLong(FileReport::ingested).sum();
    }

    public long inserted() {
        return files.stream().mapToLong(FileReport::inserted).sum();
    }

    public long updated() {
        return files.stream().mapToLong(FileReport::updated).sum();
    }

    public long skipped() {
        return files.stream().mapToLong(FileReport::skipped).sum();
    }

    public long writeFailures() {
        return files.stream().mapToLong(FileReport::writeFailures).sum();
    }

    public Map<SkipReason, Long> skipCounts() {
        Map<SkipReason, Long> counts = new EnumMap<>(SkipReason.class);
        for (FileReport file : files) {
            file.skipCounts().forEach((reason, count) -> counts.merge(reason, count, Long::sum));
        }
        return counts;
    }

    /**
     * Returns the process exit code. It is 0 when documents were ingested (or the ids verified) and
     * nothing failed, skipped rows aside. It is 1 when the run stopped, a file could not be ingested to
     * its end, a write failed, or no document was ingested.
     */
    public int exitCode() {
        if (runFailure != null) {
            return 1;
        }
        if (verifyOnly) {
            return 0;
        }
        boolean anyFailed = files.stream().anyMatch(file -> file.failure() != null || file.writeFailures() > 0);
        return anyFailed || ingested() == 0 ? 1 : 0;
    }

    /** Returns the summary as log lines. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        if (runFailure != null) {
            lines.add("Nothing ingested into " + catalogName + ": " + runFailure);
            return lines;
        }
        if (verifyOnly) {
            lines.add("Ids verified for " + files.size() + " files; nothing written (--verify_only)");
            return lines;
        }
        lines.add(String.format(
                Locale.ROOT,
                "Catalog %s: %d files, %,d rows read, %,d ingested (%,d new, %,d replaced), %,d skipped,"
                        + " %,d failed writes, in %.1f s (%,.0f rows/s)",
                catalogName,
                files.size(),
                rowsRead(),
                ingested(),
                inserted(),
                updated(),
                skipped(),
                writeFailures(),
                seconds,
                seconds > 0 ? rowsRead() / seconds : 0.0));
        Map<SkipReason, Long> reasons = skipCounts();
        if (!reasons.isEmpty()) {
            lines.add("Skipped rows by reason: "
                    + reasons.entrySet().stream()
                            .map(entry -> entry.getKey().description() + ": " + entry.getValue())
                            .collect(Collectors.joining(", ")));
        }
        for (FileReport file : files) {
            lines.addAll(fileLines(file));
        }
        if (ingested() == 0) {
            lines.add("No document was ingested");
        }
        return lines;
    }

    private static List<String> fileLines(FileReport file) {
        List<String> lines = new ArrayList<>();
        String name = file.file().getFileName().toString();
        if (file.skipped() > 0) {
            Map<SkipReason, List<Long>> rowsByReason = new EnumMap<>(SkipReason.class);
            for (SkippedRow row : file.skippedRows()) {
                rowsByReason
                        .computeIfAbsent(row.reason(), reason -> new ArrayList<>())
                        .add(row.rowNumber());
            }
            for (Map.Entry<SkipReason, Long> entry : file.skipCounts().entrySet()) {
                List<Long> rows = rowsByReason.getOrDefault(entry.getKey(), List.of());
                String listed = rows.stream()
                        .limit(MAX_ROWS_PER_LINE)
                        .map(String::valueOf)
                        .collect(Collectors.joining(", "));
                long unlisted = entry.getValue() - Math.min(rows.size(), MAX_ROWS_PER_LINE);
                lines.add(name + ": skipped rows " + listed + (unlisted > 0 ? " and " + unlisted + " more" : "") + " ("
                        + entry.getKey().description() + ")");
            }
        }
        for (String error : file.writeErrors()) {
            lines.add(name + ": " + error);
        }
        if (file.failure() != null) {
            lines.add(name + ": not fully ingested: " + file.failure());
        }
        return lines;
    }
}
