package org.kowalski.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code make bench}: runs every benchmark and writes the report. */
@Command(
        name = "kowalski-bench",
        mixinStandardHelpOptions = true,
        description = "Measures the broker, its ceilings, the API and catalog ingestion, and writes"
                + " docs/benchmarks.md with a plot of throughput against consumer threads.")
public final class BenchmarkCommand implements Callable<Integer> {

    @Option(
            names = "--budget-s",
            defaultValue = "1700",
            description = "Time budget of the whole benchmark in seconds; the broker runs' time limits share"
                    + " out what the other parts leave (default: ${DEFAULT-VALUE}, so that make bench with its"
                    + " build ends within 30 minutes).")
    long budgetSeconds;

    @Option(
            names = "--alerts",
            defaultValue = "20000",
            description = "Alerts published in each broker run (default: ${DEFAULT-VALUE}).")
    int alerts;

    @Option(
            names = "--repeat-share",
            defaultValue = "0.3",
            description = "Share of replayed alerts that belong to an object seen before, in [0, 1)"
                    + " (default: ${DEFAULT-VALUE}).")
    double repeatShare;

    @Option(
            names = "--runs",
            defaultValue = "3",
            description = "Repetitions of each measurement; the report gives their median, min and max"
                    + " (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(
            names = "--threads",
            split = ",",
            defaultValue = "1,2,4",
            description = "Consumer thread counts of the throughput plot, run on scenario (a)"
                    + " (default: ${DEFAULT-VALUE}).")
    List<Integer> threadCounts;

    @Option(
            names = "--broker-threads",
            defaultValue = "2",
            description =
                    "Consumer threads of the scenario runs (b) to (d) and the burst (default:" + " ${DEFAULT-VALUE}).")
    int brokerThreads;

    @Option(
            names = "--max-poll-records",
            defaultValue = "100",
            description = "Largest batch of the broker (brokers.ZTF.max_poll_records) in runs (b) to (d) and the"
                    + " burst. Run (a) and the thread sweep keep the configured batch (default: ${DEFAULT-VALUE}).")
    int maxPollRecords;

    @Option(
            names = "--run-timeout-s",
            defaultValue = "300",
            description = "Maximum time limit of one broker run in seconds; the budget may set a shorter one."
                    + " A run that reaches it reports the alerts done so far (default: ${DEFAULT-VALUE}).")
    int runTimeoutSeconds;

    @Option(
            names = "--sweep-seconds",
            defaultValue = "10",
            description = "Time limit in seconds of each run of the thread sweep at the thread counts other than"
                    + " --broker-threads, which run (a) measures on the whole backlog (default: ${DEFAULT-VALUE}).")
    int sweepSeconds;

    @Option(
            names = "--ceiling-alerts",
            defaultValue = "1000",
            description = "Alerts decoded and bulk-inserted by each ceiling run (default: ${DEFAULT-VALUE}).")
    int ceilingAlerts;

    @Option(
            names = "--catalog-sources",
            defaultValue = "100000",
            description = "Sources in the cross-match and cone-search catalog (default: ${DEFAULT-VALUE}).")
    int catalogSources;

    @Option(
            names = "--burst-alerts",
            defaultValue = "40000",
            description = "Alerts published at once in the burst test (default: ${DEFAULT-VALUE}).")
    int burstAlerts;

    @Option(
            names = "--burst-timeout-s",
            defaultValue = "300",
            description = "Time limit of the burst test in seconds (default: ${DEFAULT-VALUE}).")
    int burstTimeoutSeconds;

    @Option(
            names = "--api-seconds",
            defaultValue = "6",
            description = "Duration of each API query benchmark in seconds (default: ${DEFAULT-VALUE}).")
    int apiSeconds;

    @Option(
            names = "--api-clients",
            defaultValue = "8",
            description = "Concurrent HTTP clients of the API benchmark (default: ${DEFAULT-VALUE}).")
    int apiClients;

    @Option(
            names = "--ingest-rows",
            defaultValue = "200000",
            description =
                    "Rows of each scaled-up catalog file of the ingestion benchmark (default:" + " ${DEFAULT-VALUE}).")
    int ingestRows;

    @Option(
            names = "--only",
            split = ",",
            description = "Run only these parts: ceilings, broker, sweep, burst, api, ingest (default: all).")
    List<String> only;

    @Option(
            names = "--report",
            defaultValue = "docs/benchmarks.md",
            description = "Markdown report to write (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(
            names = "--plot",
            defaultValue = "docs/benchmarks-throughput-threads.png",
            description = "PNG plot of throughput against consumer threads (default: ${DEFAULT-VALUE}).")
    Path plot;

    @Option(
            names = "--command",
            defaultValue = "make bench",
            description = "The command line to name in the report (default: ${DEFAULT-VALUE}).")
    String commandLine;

    @Override
    public Integer call() throws Exception {
        return new BenchmarkSuite(this).run();
    }

    boolean includes(String part) {
        return only == null || only.isEmpty() || only.contains(part);
    }

    public static void main(String[] args) {
        int exit = new CommandLine(new BenchmarkCommand()).execute(args);
        System.exit(exit);
    }
}
