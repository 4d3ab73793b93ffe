package org.kowalski.ingest.progress;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows ingestion progress: on a terminal a bar redrawn {@value #BAR_INTERVAL_MS} ms apart with rows
 * read, rows per second and files done; otherwise, such as when output goes to a file, a plain log line
 * every {@value #LOG_INTERVAL_MS} ms. The bar has a percentage when the expected number of rows is known.
 */
public final class ProgressReporter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProgressReporter.class);

    static final long BAR_INTERVAL_MS = 250;
    static final long LOG_INTERVAL_MS = 10_000;
    private static final int BAR_WIDTH = 30;
    /** Rows per second are averaged over about this long, so the rate follows changes in speed. */
    private static final long RATE_WINDOW_MS = 3_000;

    private final boolean terminal;
    private final int files;
    private final AtomicLong rowsRead = new AtomicLong();
    private final AtomicInteger filesDone = new AtomicInteger();
    private final long startNanos = System.nanoTime();
    private volatile long expectedRows = -1;
    private Thread thread;
    private long windowStartNanos;
    private long windowStartRows;
    private double rowsPerSecond;
    private boolean rateMeasured;

    private ProgressReporter(boolean terminal, int files) {
        this.terminal = terminal;
        this.files = files;
    }

    /**
     * Starts reporting.
     *
     * @param terminal draw a bar (standard output is a terminal) or log plain lines
     * @param files number of files of the run
     */
    public static ProgressReporter start(boolean terminal, int files) {
        ProgressReporter reporter = new ProgressReporter(terminal, files);
        reporter.windowStartNanos = reporter.startNanos;
        if (terminal) {
            TerminalLine.attach(System.out);
        }
        reporter.thread = new Thread(reporter::loop, "ingest-progress");
        reporter.thread.setDaemon(true);
        reporter.thread.start();
        return reporter;
    }

    /** Returns whether standard input and output are a terminal, that is whether {@code System.console()} is not null. */
    public static boolean isTerminal() {
        return System.console() != null;
    }

    public void rowsRead(long rows) {
        rowsRead.addAndGet(rows);
    }

    public void fileDone() {
        filesDone.incrementAndGet();
    }

    /**
     * Sets the number of rows a file will give; in a run of one file this gives the bar a percentage.
     * Runs of several files show files done instead, since not every format stores its row count.
     */
    public void expectRowsOfOneFile(long rows) {
        if (files == 1) {
            expectedRows = rows;
        }
    }

    public long rows() {
        return rowsRead.get();
    }

    /** Returns the mean rate since the start, in rows per second. */
    public double meanRowsPerSecond() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return seconds > 0 ? rowsRead.get() / seconds : 0;
    }

    private void loop() {
        long interval = terminal ? BAR_INTERVAL_MS : LOG_INTERVAL_MS;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(interval);
                report();
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    private void report() {
        long now = System.nanoTime();
        long rows = rowsRead.get();
        long windowMs = (now - windowStartNanos) / 1_000_000;
        if (windowMs >= RATE_WINDOW_MS) {
            rowsPerSecond = (rows - windowStartRows) * 1000.0 / windowMs;
            windowStartNanos = now;
            windowStartRows = rows;
            rateMeasured = true;
        } else if (!rateMeasured) {
            rowsPerSecond = meanRowsPerSecond();
        }
        if (terminal) {
            TerminalLine.draw(barLine(rows));
        } else {
            log.info(
                    "Progress: {} rows read ({} rows/s), {} of {} files done",
                    String.format(Locale.ROOT, "%,d", rows),
                    String.format(Locale.ROOT, "%,.0f", rowsPerSecond),
                    filesDone.get(),
                    files);
        }
    }

    String barLine(long rows) {
        StringBuilder line = new StringBuilder();
        long expected = expectedRows;
        if (expected > 0) {
            double fraction = Math.min(1.0, (double) rows / expected);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            line.append('[')
                    .append("#".repeat(filled))
                    .append(" ".repeat(BAR_WIDTH - filled))
                    .append(String.format(Locale.ROOT, "] %3.0f%% ", fraction * 100));
        }
        line.append(String.format(Locale.ROOT, "%,d rows, %,.0f rows/s", rows, rowsPerSecond));
        if (files > 1) {
            line.append(String.format(Locale.ROOT, ", %d/%d files", filesDone.get(), files));
        }
        return line.toString();
    }

    /** Stops reporting and clears the bar. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal) {
            TerminalLine.detach();
        }
    }
}
