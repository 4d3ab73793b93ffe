package org.kowalski.bench.report;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.kowalski.bench.api.ApiResult;
import org.kowalski.bench.broker.BrokerRunResult;
import org.kowalski.bench.broker.BrokerScenario;
import org.kowalski.bench.ingest.IngestResult;

/** Writes the benchmark results as Markdown: the page docs/benchmarks.md and the console table. */
public final class ReportWriter {

    /** The per-core target of the full pipeline, in alerts per second per core. */
    public static final double TARGET_PER_CORE = 100.0;

    /** Pipeline stages as the broker's timers name them, with what each covers. */
    static final Map<String, String> STAGES = stages();

    private final BenchResults results;

    public ReportWriter(BenchResults results) {
        this.results = results;
    }

    private static Map<String, String> stages() {
        Map<String, String> stages = new LinkedHashMap<>();
        stages.put("decode", "Avro decoding and conversion to documents");
        stages.put("enrich", "ML scoring before the insert");
        stages.put("insert", "the alert insert");
        stages.put("aux", "the history update with the cross-match of new objects");
        stages.put("post_store", "the post-store stages (filters)");
        return stages;
    }

    /** Returns the console summary: the broker table and the ceilings. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(brokerTable());
        out.append('\n');
        out.append(ceilingTable());
        return out.toString();
    }

    /** Returns the whole page. */
    public String markdown(String plotFileName) {
        StringBuilder out = new StringBuilder();
        out.append("# Benchmarks\n\n");
        out.append("Throughput of the ZTF broker with each stage switched on in turn, the ceilings it runs")
                .append(" against, API query latency and catalog ingestion speed, all measured by one run of `")
                .append(results.command)
                .append("`. Every figure is the median of the runs with the minimum and maximum in brackets;")
                .append(" \"n/a\" marks a figure that no run produced.\n\n");
        out.append(setup());
        out.append("## Verdict\n\n").append(verdict()).append('\n');
        out.append("## Broker runs\n\n")
                .append(scenarioNotes())
                .append(brokerTable())
                .append('\n');
        out.append("### Share of batch time per stage\n\n").append(stageTable()).append('\n');
        out.append("## Ceilings\n\n").append(ceilingTable()).append('\n');
        out.append("## Throughput against consumer threads\n\n").append(sweepSection(plotFileName));
        out.append("## Burst\n\n").append(burstSection());
        out.append("## API\n\n").append(apiSection());
        out.append("## Catalog ingestion\n\n").append(ingestSection());
        out.append("## Reproducing\n\n").append(reproducing());
        return out.toString();
    }

    private String setup() {
        StringBuilder out = new StringBuilder("## Setup\n\n");
        out.append("| | |\n|---|---|\n");
        row(out, "command", "`" + results.command + "` (options: `" + results.options + "`)");
        row(out, "date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE) + " UTC");
        row(out, "machine", results.machine.describe());
        row(
                out,
                "load average (1, 5, 15 min)",
                "at start " + results.loadAtStart + "; at end " + results.loadAtEnd
                        + (loadIsHigh()
                                ? " (above the core count: other builds shared the machine during at least part"
                                        + " of the run, so those figures are pessimistic; the broker tables give"
                                        + " the load at the start of each configuration)"
                                : ""));
        row(out, "store", results.store);
        row(out, "Kafka", results.kafka);
        row(out, "alerts", results.alertSource);
        row(
                out,
                "replay",
                String.format(
                        Locale.ROOT,
                        "%,d alerts per broker run: %,d objects, %,d alerts (%.0f%%) update an object seen earlier",
                        results.alerts,
                        results.objects,
                        results.repeatAlerts,
                        100.0 * results.repeatAlerts / Math.max(1, results.alerts)));
        if (results.catalogSources > 0) {
            row(out, "catalog", String.format(Locale.ROOT, "%,d synthetic sources, 2\" cone", results.catalogSources));
        }
        row(out, "total time", results.duration.toMinutes() + " min " + results.duration.toSecondsPart() + " s");
        out.append('\n');

        out.append("Every broker run starts the real ZTF broker application (Spring context, consumer group,")
                .append(" pipeline) with empty alert collections and a fresh consumer group. The runs switch stages")
                .append(" on through the broker's configuration alone. From run (b) on, `database.xmatch.ZTF` lists")
                .append(" the catalog. From run (c) on, `ml.ZTF` lists the six models, read from local files. In run")
                .append(" (d), the `filters` collection holds 25 active filters in the form the filters API stores.")
                .append(" The benchmark adds only two post-store stages that record when each alert is stored and")
                .append(" done. Runs (a) to (d) and the")
                .append(" thread sweep read one backlog topic of 4 partitions, published once before them");
        if (!Double.isNaN(results.backlogPublishMs)) {
            out.append(String.format(
                    Locale.ROOT,
                    " (%,d alerts in %.0f s%s)",
                    results.backlogAlerts,
                    results.backlogPublishMs / 1000,
                    results.backlogAlerts < results.alerts
                            ? String.format(
                                    Locale.ROOT,
                                    "; publishing stopped at its share of the time budget, before all %,d",
                                    results.alerts)
                            : ""));
        }
        out.append(", so no producer competes with the broker for CPU. Rates count from the moment the")
                .append(" application has started and its consumers poll. The burst test instead publishes its")
                .append(" alerts from a producer in the same JVM while the broker runs. Store, Kafka and broker")
                .append(" share the machine's cores, so \"per core\" divides the rate by all of them, and")
                .append(" \"per CPU-s\" divides the alerts by the CPU time of the whole benchmark process.\n\n");
        return out.toString();
    }

    private boolean loadIsHigh() {
        try {
            double load = Double.parseDouble(results.loadAtStart.split(",")[0].trim());
            return load > results.machine.cores();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String verdict() {
        List<BrokerRunResult> full = results.scenarios.get(BrokerScenario.FILTERS);
        StringBuilder out = new StringBuilder();
        if (full == null || full.isEmpty() || full.get(0).missingStage() != null) {
            BrokerScenario last = lastMeasured();
            String reason = results.notMeasured.getOrDefault(
                    BrokerScenario.FILTERS,
                    full != null && !full.isEmpty() ? full.get(0).missingStage() : "it was not selected");
            out.append("Run (d), the full pipeline, was not measured: ")
                    .append(reason)
                    .append(". ");
            if (last == null) {
                out.append("No broker run was measured.\n");
                return out.toString();
            }
            full = results.scenarios.get(last);
            out.append("The most complete run measured is (")
                    .append(last.letter())
                    .append(") ")
                    .append(last.description())
                    .append(". ");
        }
        BrokerScenario scenario = full.get(0).scenario();
        for (String note : full.get(0).stageNotes()) {
            out.append("In run (")
                    .append(scenario.letter())
                    .append("), ")
                    .append(note)
                    .append(". ");
        }
        Spread perCore = spread(full, r -> r.alertsPerSecond() / results.machine.cores());
        out.append(String.format(
                Locale.ROOT,
                "Run (%s) sustains %s alerts/s per core, against the target of %.0f alerts/s per core: ",
                scenario.letter(),
                perCore.format(1),
                TARGET_PER_CORE));
        boolean measured = !perCore.isEmpty() && perCore.median() > 0;
        if (!measured) {
            out.append("it finished no batch within the time limit, so its rate is far below the target.");
        } else if (perCore.median() >= TARGET_PER_CORE) {
            out.append(String.format(
                    Locale.ROOT, "the target is met, %.1f times over.", perCore.median() / TARGET_PER_CORE));
        } else {
            out.append(String.format(
                    Locale.ROOT, "it falls short by a factor of %.1f.", TARGET_PER_CORE / perCore.median()));
        }

        Map<String, Double> shares = stageShares(full);
        String slowest = null;
        for (Map.Entry<String, Double> entry : shares.entrySet()) {
            if (entry.getValue() > 0 && (slowest == null || entry.getValue() > shares.get(slowest))) {
                slowest = entry.getKey();
            }
        }
        boolean met = measured && perCore.median() >= TARGET_PER_CORE;
        if (slowest != null) {
            out.append(String.format(
                    Locale.ROOT,
                    " The %s %s (`%s`), with %.0f%% of the pipeline's batch time, %.1f ms per alert.",
                    met ? "largest stage, the next to speed up, is" : "stage that holds it back is",
                    STAGES.getOrDefault(slowest, slowest),
                    slowest,
                    100 * shares.get(slowest),
                    msPerAlert(full, slowest)));
        }
        Spread crossMatch = Spread.of(results.crossMatchMs);
        if (scenario.crossMatches() && !crossMatch.isEmpty()) {
            double newObjectShare = (double) results.objects / Math.max(1, results.alerts);
            out.append(String.format(
                    Locale.ROOT,
                    "%s cross-match of one new object against the %,d-source catalog takes %s ms on one thread,"
                            + " so with %.0f%% new objects it alone allows about %.1f alerts/s per core.",
                    slowest == null ? " The stage that holds it back is the cross-match in `aux`: the" : " The",
                    results.catalogSources,
                    crossMatch.format(0),
                    100 * newObjectShare,
                    1000.0 / (crossMatch.median() * newObjectShare)));
        }
        out.append('\n');
        return out.toString();
    }

    private BrokerScenario lastMeasured() {
        BrokerScenario last = null;
        for (Map.Entry<BrokerScenario, List<BrokerRunResult>> entry : results.scenarios.entrySet()) {
            if (!entry.getValue().isEmpty() && entry.getValue().get(0).missingStage() == null) {
                last = entry.getKey();
            }
        }
        return last;
    }

    private String scenarioNotes() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<BrokerScenario, String> entry : results.notMeasured.entrySet()) {
            out.append("- Run (")
                    .append(entry.getKey().letter())
                    .append(") was not measured: ")
                    .append(entry.getValue())
                    .append(".\n");
        }
        for (Map.Entry<BrokerScenario, List<BrokerRunResult>> entry : results.scenarios.entrySet()) {
            List<BrokerRunResult> runs = entry.getValue();
            if (!runs.isEmpty() && runs.get(0).missingStage() != null) {
                out.append("- Run (")
                        .append(entry.getKey().letter())
                        .append(") was not measured: ")
                        .append(runs.get(0).missingStage())
                        .append(".\n");
            }
            if (!runs.isEmpty()) {
                for (String note : runs.get(0).stageNotes()) {
                    out.append("- Run (")
                            .append(entry.getKey().letter())
                            .append("): ")
                            .append(note)
                            .append(".\n");
                }
            }
            long timedOut = runs.stream().filter(BrokerRunResult::timedOut).count();
            if (timedOut > 0) {
                out.append("- Run (")
                        .append(entry.getKey().letter())
                        .append(") reached its time limit in ")
                        .append(timedOut)
                        .append(" of ")
                        .append(runs.size())
                        .append(" runs; its rates cover the alerts done by then, and it has no drain time.\n");
            }
        }
        if (out.length() > 0) {
            out.append('\n');
        }
        out.append(String.format(
                Locale.ROOT,
                "Run (a) and the thread sweep take batches of up to %d alerts, the configured"
                        + " `brokers.ZTF.max_poll_records`. Runs (b) to (d) and the burst take batches of up to %d"
                        + " (`--max-poll-records`).\n\n",
                results.configuredBatch,
                results.crossMatchBatch));
        out.append("Latency runs from an alert's Kafka record timestamp to the moment it and its object's history")
                .append(" are stored (\"stored\") or it has passed every post-store stage (\"done\"). On the backlog")
                .append(" every alert was published before the broker started, so its latency counts from the later")
                .append(" of its record timestamp and the start of consumption.")
                .append(" The latencies are those of a backlog of the run's size arriving at once, and those of a")
                .append(" run that reached its time limit cover only the alerts done by then. Drain time is the time")
                .append(" until the whole backlog was done. Each run reads the same ")
                .append(String.format(Locale.ROOT, "%,d", results.backlogAlerts))
                .append(" replayed alerts.\n\n");
        return out.toString();
    }

    private String brokerTable() {
        StringBuilder out = new StringBuilder();
        out.append("| run | alerts done | alerts/s | alerts/s per core | alerts per CPU-s | drain time (s) |"
                + " stored p50 / p99 (s) | done p50 / p99 (s) | peak heap (MiB) | load at start |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (BrokerScenario scenario : BrokerScenario.values()) {
            List<BrokerRunResult> runs = results.scenarios.get(scenario);
            String label = "(" + scenario.letter() + ") " + scenario.description();
            if (runs == null || runs.isEmpty() || runs.get(0).missingStage() != null) {
                out.append("| ").append(label).append(" | not measured | | | | | | | | |\n");
                continue;
            }
            out.append(brokerRow(label, runs));
        }
        return out.toString();
    }

    private String brokerRow(String label, List<BrokerRunResult> runs) {
        int cores = results.machine.cores();
        return "| " + label
                + " | " + doneCell(runs)
                + " | " + spread(runs, BrokerRunResult::alertsPerSecond).format(1)
                + " | " + spread(runs, r -> r.alertsPerSecond() / cores).format(1)
                + " | " + spread(runs, BrokerRunResult::alertsPerCpuSecond).format(1)
                + " | " + spread(runs, r -> r.drainMs() / 1000).format(1)
                + " | " + spread(runs, r -> r.storeP50Ms() / 1000).format(1)
                + " / " + spread(runs, r -> r.storeP99Ms() / 1000).format(1)
                + " | " + spread(runs, r -> r.doneP50Ms() / 1000).format(1)
                + " / " + spread(runs, r -> r.doneP99Ms() / 1000).format(1)
                + " | " + spread(runs, r -> r.peakHeapBytes() / (1024.0 * 1024)).format(0)
                + " | " + spread(runs, BrokerRunResult::loadAverage).format(1)
                + " |\n";
    }

    private static String doneCell(List<BrokerRunResult> runs) {
        Spread done = spread(runs, r -> r.done());
        return String.format(
                Locale.ROOT, "%,.0f of %,d", done.median(), runs.get(0).published());
    }

    private String stageTable() {
        StringBuilder out = new StringBuilder("| run |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String stage : STAGES.keySet()) {
            out.append(' ').append(stage).append(" |");
            rule.append("---|");
        }
        out.append(" batch time per alert (ms) |\n").append(rule).append("---|\n");
        for (BrokerScenario scenario : BrokerScenario.values()) {
            List<BrokerRunResult> runs = results.scenarios.get(scenario);
            if (runs == null || runs.isEmpty() || runs.get(0).missingStage() != null) {
                continue;
            }
            Map<String, Double> shares = stageShares(runs);
            out.append("| (").append(scenario.letter()).append(") |");
            for (String stage : STAGES.keySet()) {
                out.append(String.format(
                        Locale.ROOT,
                        " %.0f%% (%.2f ms) |",
                        100 * shares.getOrDefault(stage, 0.0),
                        msPerAlert(runs, stage)));
            }
            out.append(String.format(Locale.ROOT, " %.2f |\n", msPerAlert(runs, "batch")));
        }
        out.append("\nFrom the broker's Micrometer timer `kowalski.broker.stage` (summed over all runs of a")
                .append(" scenario): the share of the pipeline's batch time and the milliseconds per alert done.")
                .append(" Stages:");
        for (Map.Entry<String, String> stage : STAGES.entrySet()) {
            out.append(" `")
                    .append(stage.getKey())
                    .append("` ")
                    .append(stage.getValue())
                    .append(';');
        }
        out.setLength(out.length() - 1);
        out.append(".\n");
        return out.toString();
    }

    /** Returns each stage's share of the batch time, summed over the runs. */
    static Map<String, Double> stageShares(List<BrokerRunResult> runs) {
        double batch = 0;
        Map<String, Double> totals = new LinkedHashMap<>();
        for (BrokerRunResult run : runs) {
            batch += run.stageNanos().getOrDefault("batch", 0.0);
            for (String stage : STAGES.keySet()) {
                totals.merge(stage, run.stageNanos().getOrDefault(stage, 0.0), Double::sum);
            }
        }
        Map<String, Double> shares = new LinkedHashMap<>();
        for (Map.Entry<String, Double> entry : totals.entrySet()) {
            shares.put(entry.getKey(), batch > 0 ? entry.getValue() / batch : 0.0);
        }
        return shares;
    }

    private static double msPerAlert(List<BrokerRunResult> runs, String stage) {
        double nanos = 0;
        long done = 0;
        for (BrokerRunResult run : runs) {
            nanos += run.stageNanos().getOrDefault(stage, 0.0);
            done += run.doneMeasured();
        }
        return done > 0 ? nanos / 1e6 / done : Double.NaN;
    }

    private String ceilingTable() {
        StringBuilder out = new StringBuilder();
        Spread decode = Spread.of(results.decodeOnly);
        Spread convert = Spread.of(results.decodeAndMongify);
        Spread insert = Spread.of(results.bulkInsert);
        if (decode.isEmpty()) {
            return "Not measured in this run.\n";
        }

        out.append(String.format(
                Locale.ROOT, "Each ceiling run handles the first %,d replayed alerts.\n\n", results.ceilingAlerts));
        out.append("| ceiling (one thread) | alerts/s | run (a) per core as a share | run (d) per core as a share |\n");
        out.append("|---|---|---|---|\n");
        ceilingRow(out, "Avro decoding alone (the broker's container reader)", decode);
        ceilingRow(out, "decoding and conversion to the stored document", convert);
        ceilingRow(out, "bulk insert of the same documents into the same store, " + 100 + " per insertMany", insert);

        Spread crossMatch = Spread.of(results.crossMatchMs);
        if (!crossMatch.isEmpty()) {
            double newObjectShare = (double) results.objects / Math.max(1, results.alerts);
            Spread perAlert = Spread.of(results.crossMatchMs.stream()
                    .map(ms -> 1000.0 / (ms * newObjectShare))
                    .toList());
            crossMatchRow(
                    out,
                    String.format(
                            Locale.ROOT,
                            "cross-match of new objects against the %,d-source catalog (%s ms per object; %.0f%% of"
                                    + " the replayed alerts are new objects)",
                            results.catalogSources,
                            crossMatch.format(0),
                            100 * newObjectShare),
                    perAlert);
        }
        out.append("\nThe ceilings run on one thread, so each is a rate per core; the shares compare the broker's")
                .append(" alerts/s per core with them. The bulk insert writes only the alert documents, while the")
                .append(" broker also writes each object's history.\n");
        return out.toString();
    }

    /** Writes the cross-match ceiling, compared only with runs that cross-match. */
    private void crossMatchRow(StringBuilder out, String label, Spread ceiling) {
        out.append("| ")
                .append(label)
                .append(" | ")
                .append(ceiling.format(2))
                .append(" | n/a (no cross-match) | ")
                .append(shareOf(BrokerScenario.FILTERS, ceiling))
                .append(" |\n");
    }

    private void ceilingRow(StringBuilder out, String label, Spread ceiling) {
        out.append("| ")
                .append(label)
                .append(" | ")
                .append(ceiling.format(ceiling.median() < 10 ? 2 : 0))
                .append(" | ")
                .append(shareOf(BrokerScenario.STORE, ceiling))
                .append(" | ")
                .append(shareOf(BrokerScenario.FILTERS, ceiling))
                .append(" |\n");
    }

    private String shareOf(BrokerScenario scenario, Spread ceiling) {
        List<BrokerRunResult> runs = results.scenarios.get(scenario);
        if (runs == null || runs.isEmpty() || runs.get(0).missingStage() != null || ceiling.isEmpty()) {
            return "n/a";
        }
        Spread perCore = spread(runs, r -> r.alertsPerSecond() / results.machine.cores());
        return String.format(Locale.ROOT, "%.1f%%", 100 * perCore.median() / ceiling.median());
    }

    private String sweepSection(String plotFileName) {
        if (results.sweep.isEmpty()) {
            return "Not measured in this run.\n\n";
        }
        StringBuilder out = new StringBuilder();
        out.append("![alerts per second against consumer threads](")
                .append(plotFileName)
                .append(")\n\n");
        out.append("Run (a), decode and store, with each number of consumer threads on the backlog topic of 4")
                .append(" partitions. The figures at ")
                .append(results.brokerThreads)
                .append(" threads are those of run (a), which drains the whole backlog. At the other thread counts")
                .append(" each run stops after ")
                .append(results.sweepSeconds)
                .append(" s (`--sweep-seconds`), and its rate covers the alerts done by then.");
        if (results.sweepShortened) {
            out.append(" The time budget left one run for some thread counts, whose figures are that run alone.");
        }
        out.append("\n\n");
        out.append("| consumer threads | alerts/s | alerts/s per core | alerts per CPU-s | load at start |\n");
        out.append("|---|---|---|---|---|\n");
        results.sweep.forEach((threads, runs) -> out.append("| ")
                .append(threads)
                .append(" | ")
                .append(spread(runs, BrokerRunResult::alertsPerSecond).format(1))
                .append(" | ")
                .append(spread(runs, r -> r.alertsPerSecond() / results.machine.cores())
                        .format(1))
                .append(" | ")
                .append(spread(runs, BrokerRunResult::alertsPerCpuSecond).format(1))
                .append(" | ")
                .append(spread(runs, BrokerRunResult::loadAverage).format(1))
                .append(" |\n"));
        out.append('\n');
        return out.toString();
    }

    private String burstSection() {
        List<BrokerRunResult> bursts = results.bursts;
        if (bursts.isEmpty()) {
            return "Not measured in this run.\n\n";
        }
        BrokerRunResult first = bursts.get(0);
        if (first.missingStage() != null) {
            return "Not measured: " + first.missingStage() + ".\n\n";
        }
        List<BrokerRunResult> finished =
                bursts.stream().filter(run -> !run.timedOut()).toList();
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%,d alerts published at once by a producer in the benchmark JVM while the broker ran,"
                        + " configured as run (%s) %s; %s a new application and empty alert collections."
                        + " Publishing took %s s.",
                first.published(),
                first.scenario().letter(),
                first.scenario().description(),
                bursts.size() == 1 ? "one run, with" : bursts.size() + " runs, each with",
                spread(bursts, run -> run.publishMs() / 1000).format(1)));
        if (bursts.size() < results.runs) {
            out.append(String.format(
                    Locale.ROOT, " The time budget left room for %d of the %d runs.", bursts.size(), results.runs));
        }
        for (BrokerRunResult run : bursts) {
            if (run.timedOut()) {
                out.append(String.format(
                        Locale.ROOT,
                        " Run %d reached its time limit of %.0f s with %,d alerts stored and %,d done (%.1f"
                                + " alerts/s).",
                        bursts.indexOf(run) + 1,
                        run.elapsedMs() / 1000,
                        run.stored(),
                        run.done(),
                        run.alertsPerSecond()));
                if (run.alertsPerSecond() > 0) {
                    out.append(String.format(
                            Locale.ROOT,
                            " At that rate all %,d would be stored and filtered after about %.0f s (an estimate"
                                    + " from the rate, not a measurement).",
                            run.published(),
                            run.published() / run.alertsPerSecond()));
                }
            }
        }
        out.append("\n\n");
        if (!finished.isEmpty()) {
            out.append(burstTable(finished, first.published(), bursts.size()));
        }
        return out.toString();
    }

    /** Returns the table of the burst runs that stored and filtered every alert. */
    private static String burstTable(List<BrokerRunResult> finished, int published, int runs) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "Of the runs that stored and filtered all %,d alerts (%d of %d):\n\n",
                published,
                finished.size(),
                runs));
        out.append("| measure | median (min to max) |\n|---|---|\n");
        out.append("| all stored and filtered, after the first publish (s) | ")
                .append(spread(finished, run -> run.elapsedMs() / 1000).format(1))
                .append(" |\n");
        out.append("| alerts/s | ")
                .append(spread(finished, BrokerRunResult::alertsPerSecond).format(1))
                .append(" |\n");
        out.append("| lag drained, after the last publish (s) | ")
                .append(spread(finished, run -> run.drainMs() / 1000).format(1))
                .append(" |\n");
        out.append("| stored p50 / p99 (s) | ")
                .append(spread(finished, run -> run.storeP50Ms() / 1000).format(1))
                .append(" / ")
                .append(spread(finished, run -> run.storeP99Ms() / 1000).format(1))
                .append(" |\n");
        out.append("| done p50 / p99 (s) | ")
                .append(spread(finished, run -> run.doneP50Ms() / 1000).format(1))
                .append(" / ")
                .append(spread(finished, run -> run.doneP99Ms() / 1000).format(1))
                .append(" |\n");
        out.append("| peak heap (MiB) | ")
                .append(spread(finished, run -> run.peakHeapBytes() / (1024.0 * 1024))
                        .format(0))
                .append(" |\n\n");
        return out.toString();
    }

    private String apiSection() {
        if (results.api.isEmpty()) {
            return "Not measured: " + (results.apiNotMeasured == null ? "not selected" : results.apiNotMeasured)
                    + ".\n\n";
        }
        StringBuilder out = new StringBuilder();
        out.append("| query | requests/s | p50 (ms) | p99 (ms) | errors |\n|---|---|---|---|---|\n");
        for (ApiResult result : results.api) {
            out.append("| ")
                    .append(result.query())
                    .append(" | ")
                    .append(Spread.of(result.requestsPerSecond()).format(1))
                    .append(" | ")
                    .append(Spread.of(result.p50Ms()).format(1))
                    .append(" | ")
                    .append(Spread.of(result.p99Ms()).format(1))
                    .append(" | ")
                    .append(result.errors())
                    .append(" |\n");
        }
        out.append('\n');
        return out.toString();
    }

    private String ingestSection() {
        if (results.ingest.isEmpty()) {
            return "Not measured: " + (results.ingestNotMeasured == null ? "not selected" : results.ingestNotMeasured)
                    + ".\n\n";
        }
        StringBuilder out = new StringBuilder();
        out.append("Each format's file is made from a public sample by repeating its rows; the ingester's default")
                .append(" `_id` is `<file name>:<row>`, so every repeated row is a new document. One thread,")
                .append(" batches of 2,048 documents, into an empty collection. When the whole file does not fit")
                .append(" the time budget, each run ingests only its first rows (as `--max_docs` does) or, for")
                .append(" Parquet, fewer whole files; the last column gives the rows stored per run. When whole")
                .append(" files fit, fewer than the usual three runs may fit, and the runs column says how many.\n\n");
        out.append("| format | made from | rows in the file | runs | rows/s | rows stored per run |\n")
                .append("|---|---|---|---|---|---|\n");
        for (IngestResult result : results.ingest) {
            out.append("| ")
                    .append(result.format())
                    .append(" | ")
                    .append(result.source())
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", result.rows()))
                    .append(" | ")
                    .append(result.rowsPerSecond().size())
                    .append(" | ")
                    .append(Spread.of(result.rowsPerSecond()).format(0))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", result.ingested()))
                    .append(" |\n");
        }
        out.append('\n');
        return out.toString();
    }

    private String reproducing() {
        return "Run `make bench` from the project folder; `make bench BENCH_ARGS=\"--help\"` lists the sizes, and"
                + " `BENCH_ARGS=\"--only=broker --alerts=2000 --runs=1\"` makes a quick check. With `database.embedded`"
                + " or `kafka.embedded` set to false in `config.yaml`, the broker runs use the configured MongoDB"
                + " or Kafka, in the database `kowalski_bench` and on topics named `bench<N>_ztf_<date>_programid1`."
                + realServersNote()
                + "\n\n"
                + "The sizes are chosen so that the whole of `make bench` ends within 30 minutes on 2 cores. Each"
                + " broker run has a time limit, and a run that reaches it reports the alerts done by then instead"
                + " of running to the end.\n";
    }

    /** Returns a sentence on the servers this run did not measure, or an empty string. */
    private String realServersNote() {
        boolean embeddedStore = results.store != null && results.store.startsWith("embedded");
        boolean embeddedKafka = results.kafka != null && results.kafka.startsWith("in-process");
        if (embeddedStore && embeddedKafka) {
            return " This run used the embedded store and the in-process Kafka only: no MongoDB or Kafka server was"
                    + " configured on the machine, so these figures say nothing about them.";
        }
        return "";
    }

    private static Spread spread(List<BrokerRunResult> runs, ToDoubleFunction<BrokerRunResult> figure) {
        List<Double> values = new ArrayList<>();
        for (BrokerRunResult run : runs) {
            values.add(figure.applyAsDouble(run));
        }
        return Spread.of(values);
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }
}
