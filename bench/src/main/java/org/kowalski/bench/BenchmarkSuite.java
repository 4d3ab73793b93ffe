package org.kowalski.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.kowalski.bench.api.ApiBenchmarks;
import org.kowalski.bench.broker.BenchScenarioSettings;
import org.kowalski.bench.broker.BrokerBench;
import org.kowalski.bench.broker.BrokerRunResult;
import org.kowalski.bench.broker.BrokerScenario;
import org.kowalski.bench.ceiling.Ceilings;
import org.kowalski.bench.ingest.IngestBench;
import org.kowalski.bench.replay.AlertReplayer;
import org.kowalski.bench.replay.AlertTemplates;
import org.kowalski.bench.report.BenchResults;
import org.kowalski.bench.report.MachineInfo;
import org.kowalski.bench.report.ReportWriter;
import org.kowalski.bench.report.ThroughputPlot;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

/** Runs the parts of the benchmark that the command selects, in order, and writes the report. */
final class BenchmarkSuite {

    private static final Logger log = LoggerFactory.getLogger(BenchmarkSuite.class);

    /** Seed of the replay plan and the catalog: every run of {@code make bench} replays the same alerts. */
    private static final long SEED = 20_260_101L;

    /** Minimum time limit of a broker repetition, even when the budget leaves less. */
    private static final long MIN_RUN_SECONDS = 15;

    /** New objects cross-matched by each run of the cross-match ceiling. */
    private static final int CROSS_MATCH_OBJECTS = 20;

    /** Minimum time limit of the burst test. */
    private static final long MIN_BURST_SECONDS = 120;

    /** Time an application start takes on a loaded 2-core machine, reserved from the budget per start. */
    private static final long APPLICATION_START_SECONDS = 20;

    private final BenchmarkCommand options;
    private Instant deadline;

    /** The store and Kafka of the current run, which the broker parts read their configurations from. */
    private BenchEnvironment environment;

    BenchmarkSuite(BenchmarkCommand options) {
        this.options = options;
    }

    int run() throws Exception {
        Instant started = Instant.now();
        deadline = started.plusSeconds(options.budgetSeconds);
        BenchResults results = new BenchResults();
        results.machine = MachineInfo.detect();
        results.loadAtStart = MachineInfo.loadAverage();
        results.command = options.commandLine;
        results.options = describeOptions();
        results.runs = options.runs;

        AlertTemplates templates = AlertTemplates.load();
        results.alertSource = templates.source();
        log.info("Replaying {}", templates.source());
        AlertReplayer replayer = AlertReplayer.plan(templates, options.alerts, options.repeatShare, SEED);
        results.alerts = replayer.alerts();
        results.objects = replayer.objects();
        results.repeatAlerts = replayer.repeatAlerts();

        Path workDir = Files.createTempDirectory("kowalski-bench-");
        try (BenchEnvironment environment = BenchEnvironment.start(workDir)) {
            this.environment = environment;
            results.store = environment.storeDescription();
            results.crossMatchBatch = options.maxPollRecords;
            results.configuredBatch = environment.base().brokers().get("ZTF") == null
                    ? 100
                    : environment.base().brokers().get("ZTF").maxPollRecordsOrDefault();
            results.kafka = environment.kafkaDescription();

            String catalog = null;
            if (options.includes("broker")
                    || options.includes("burst")
                    || options.includes("api")
                    || options.includes("ceilings")) {
                catalog = CatalogSeeder.seed(environment, replayer, options.catalogSources, SEED);
                results.catalogSources = options.catalogSources;
            }
            Path models = AlertTemplates.sharedDir().resolve("models/ztf");
            BenchScenarioSettings settings = new BenchScenarioSettings(catalog, models, options.maxPollRecords);
            if (options.includes("ceilings")) {
                runCeilings(environment, settings, replayer, results);
            }
            if (options.includes("api")) {
                runApi(environment, replayer, catalog, results);
            }
            if (options.includes("ingest")) {
                runIngest(environment, workDir, results);
            }

            BrokerBench broker = new BrokerBench(environment, settings);
            if (options.includes("sweep") || options.includes("broker")) {
                runBroker(broker, settings, templates, replayer, results);
            }
            if (options.includes("burst")) {
                runBurst(broker, settings, templates, results);
            }
        } finally {
            // The store file, Kafka's logs and the scaled catalogs take several GB by the end of a full run.
            try {
                FileSystemUtils.deleteRecursively(workDir);
            } catch (IOException e) {
                log.warn("Failed to delete the benchmark's work folder {}: delete it by hand", workDir, e);
            }
        }

        results.loadAtEnd = MachineInfo.loadAverage();
        results.duration = Duration.between(started, Instant.now());
        ReportWriter writer = new ReportWriter(results);
        String markdown = writer.markdown(options.plot.getFileName().toString());
        System.out.println(writer.table());
        Files.createDirectories(options.report.toAbsolutePath().getParent());
        Files.writeString(options.report, markdown);
        if (!results.sweep.isEmpty()) {
            ThroughputPlot.write(results, options.plot);
        }
        log.info("Wrote {} and {} after {} s", options.report, options.plot, results.duration.toSeconds());
        return 0;
    }

    private void runCeilings(
            BenchEnvironment environment,
            BenchScenarioSettings settings,
            AlertReplayer replayer,
            BenchResults results) {
        KowalskiConfig crossMatchConfig = environment
                .configs()
                .build(tree -> settings.apply(tree, BrokerScenario.XMATCH, 1, "bench_ceiling_ztf"));
        Ceilings ceilings = new Ceilings(environment);
        // A first pass, not counted, lets the JIT compile the decoder; the first measured run was 8 times
        // slower without it.
        ceilings.decode(replayer, Math.min(options.ceilingAlerts, replayer.alerts()));
        for (int i = 0; i < options.runs; i++) {
            int alerts = Math.min(options.ceilingAlerts, replayer.alerts());
            Ceilings.DecodeRates rates = ceilings.decode(replayer, alerts);
            results.decodeOnly.add(rates.decodeOnly());
            results.decodeAndMongify.add(rates.decodeAndMongify());
            results.bulkInsert.add(ceilings.bulkInsert(replayer, alerts));
            results.crossMatchMs.add(ceilings.crossMatch(
                    crossMatchConfig,
                    replayer,
                    CROSS_MATCH_OBJECTS,
                    Duration.ofSeconds(30).toNanos()));
            results.ceilingAlerts = alerts;
            log.info(
                    "Ceilings, run {}: decode {} alerts/s, decode and convert {} alerts/s, bulk insert {} alerts/s,"
                            + " cross-match {} ms per new object",
                    i + 1,
                    Math.round(rates.decodeOnly()),
                    Math.round(rates.decodeAndMongify()),
                    Math.round(results.bulkInsert.get(i)),
                    Math.round(results.crossMatchMs.get(i)));
        }
    }

    /**
     * Runs the thread sweep and the scenarios on one backlog. Each application start runs all repetitions
     * of one configuration. The time limit of each repetition is its share of the budget left before the
     * burst, so the whole benchmark ends in time whatever the machine's load.
     */
    private void runBroker(
            BrokerBench broker,
            BenchScenarioSettings settings,
            AlertTemplates templates,
            AlertReplayer replayer,
            BenchResults results)
            throws Exception {
        // The scenarios come first, then the other thread counts of the sweep, which the budget squeezes
        // first when it runs short.
        List<BrokerScenario> scenarios = new ArrayList<>();
        List<Integer> threadCounts = new ArrayList<>();
        if (options.includes("broker")) {
            for (BrokerScenario scenario : BrokerScenario.values()) {
                String unavailable = unavailable(scenario, settings, templates, environment);
                if (unavailable != null) {
                    results.notMeasured.put(scenario, unavailable);
                } else {
                    scenarios.add(scenario);
                    threadCounts.add(options.brokerThreads);
                }
            }
        }
        if (options.includes("sweep")) {
            for (int threads : options.threadCounts) {
                if (!options.includes("broker") || threads != options.brokerThreads) {
                    scenarios.add(BrokerScenario.STORE);
                    threadCounts.add(threads);
                }
            }
        }

        BrokerBench.Backlog backlog = broker.publishBacklog(replayer, Duration.ofSeconds(options.budgetSeconds / 10));
        results.backlogPublishMs = backlog.publishMs();
        results.brokerThreads = options.brokerThreads;
        results.sweepSeconds = options.sweepSeconds;
        results.backlogAlerts = backlog.count();
        // Each repetition gets a share of the budget in proportion to its scenario's weight.
        int[] weightLeft = {0};
        for (BrokerScenario scenario : scenarios) {
            weightLeft[0] += weight(scenario) * options.runs;
        }
        for (int i = 0; i < scenarios.size(); i++) {
            BrokerScenario scenario = scenarios.get(i);
            int threads = threadCounts.get(i);
            int startsLeft = scenarios.size() - i - 1;
            boolean sweepOnly = !options.includes("broker") || threads != options.brokerThreads;
            int repetitions = options.runs;
            if (sweepOnly && !fits(startsLeft + 1, weightLeft[0])) {
                repetitions = 1;
                results.sweepShortened = true;
                weightLeft[0] -= weight(scenario) * (options.runs - 1);
            }
            long before = System.nanoTime();
            List<BrokerRunResult> runs = broker.run(scenario, threads, replayer, backlog, repetitions, () -> {
                Duration limit = repetitionLimit(weight(scenario), weightLeft[0], startsLeft);
                weightLeft[0] -= weight(scenario);
                if (sweepOnly && limit.toSeconds() > options.sweepSeconds) {
                    // The other thread counts measure a rate, not a drain, so a short window is enough.
                    return Duration.ofSeconds(options.sweepSeconds);
                }
                return limit;
            });
            weightLeft[0] -= weight(scenario) * (repetitions - runs.size());
            log.info("{} broker runs took {} s", runs.size(), (System.nanoTime() - before) / 1_000_000_000);
            if (!sweepOnly) {
                results.scenarios.putIfAbsent(scenario, runs);
            }
            if (scenario == BrokerScenario.STORE
                    && options.includes("sweep")
                    && options.threadCounts.contains(threads)) {
                results.sweep.putIfAbsent(threads, runs);
            }
        }
        broker.deleteBacklog(backlog);
    }

    /**
     * Returns whether the application starts and repetitions still to come fit the budget before the burst
     * with at least their minimum time limits.
     */
    private boolean fits(int applicationStarts, int weightLeft) {
        long burstReserve = options.includes("burst") ? burstReserveSeconds() : 0;
        long needed = applicationStarts * APPLICATION_START_SECONDS + weightLeft * MIN_RUN_SECONDS;
        return secondsLeft() - burstReserve >= needed;
    }

    /**
     * Returns the share of the broker budget of one repetition of a scenario, relative to the other
     * repetitions: about its expected drain time of the backlog.
     */
    private static int weight(BrokerScenario scenario) {
        return switch (scenario) {
            case STORE, XMATCH -> 2;
            case ML -> 3;
            case FILTERS -> 4;
        };
    }

    /**
     * Returns the time limit of the next broker repetition: its weight's share of the budget left before
     * the burst, after the application starts still to come.
     */
    private Duration repetitionLimit(int weight, int weightLeft, int applicationStartsLeft) {
        long burstReserve = options.includes("burst") ? burstReserveSeconds() : 0;
        long left = secondsLeft() - burstReserve - applicationStartsLeft * APPLICATION_START_SECONDS;
        long share = left * weight / Math.max(1, weightLeft);
        long limit = Math.max(MIN_RUN_SECONDS * weight, Math.min(options.runTimeoutSeconds, share));
        return Duration.ofSeconds(limit);
    }

    /**
     * Returns the part of the budget kept for the burst: a sixth, enough to publish and filter 40,000 alerts
     * at about 200 alerts per second.
     */
    private long burstReserveSeconds() {
        return Math.max(MIN_BURST_SECONDS, options.budgetSeconds / 6);
    }

    private long secondsLeft() {
        return Duration.between(Instant.now(), deadline).toSeconds();
    }

    private void runBurst(
            BrokerBench broker, BenchScenarioSettings settings, AlertTemplates templates, BenchResults results)
            throws Exception {
        BrokerScenario scenario = BrokerScenario.FILTERS;
        while (scenario != BrokerScenario.STORE && unavailable(scenario, settings, templates, environment) != null) {
            scenario = BrokerScenario.values()[scenario.ordinal() - 1];
        }
        AlertReplayer burst = AlertReplayer.plan(templates, options.burstAlerts, options.repeatShare, SEED + 1);
        for (int run = 1; run <= options.runs; run++) {
            long left = secondsLeft() - 20;
            if (run > 1) {
                // A repetition starts only when the one before finished and another as long still fits.
                BrokerRunResult previous = results.bursts.get(results.bursts.size() - 1);
                long needed = Math.round(previous.elapsedMs() / 1000) + APPLICATION_START_SECONDS;
                if (previous.timedOut() || previous.missingStage() != null || left < needed) {
                    log.info("Burst run {} skipped: {} s left, a run needs about {} s", run, left, needed);
                    break;
                }
            }
            long limit = Math.min(options.burstTimeoutSeconds, Math.max(MIN_BURST_SECONDS, left));
            results.bursts.add(broker.runLive(scenario, options.brokerThreads, burst, Duration.ofSeconds(limit)));
        }
    }

    private void runApi(BenchEnvironment environment, AlertReplayer replayer, String catalog, BenchResults results) {
        try {
            results.api.addAll(ApiBenchmarks.run(
                    environment,
                    replayer,
                    catalog,
                    options.apiClients,
                    Duration.ofSeconds(options.apiSeconds),
                    options.runs));
        } catch (ApiBenchmarks.UnavailableException e) {
            results.apiNotMeasured = e.getMessage();
        } catch (Exception e) {
            log.error("The API benchmark failed", e);
            results.apiNotMeasured = "the benchmark failed: " + e;
        }
    }

    private void runIngest(BenchEnvironment environment, Path workDir, BenchResults results) {
        IngestBench ingest = new IngestBench(environment, AlertTemplates.sharedDir(), workDir.resolve("ingest"));
        String unavailable = ingest.unavailable();
        if (unavailable != null) {
            results.ingestNotMeasured = unavailable;
            return;
        }
        try {
            // A quarter of the budget, so three rounds fit: at the last report's rates, one round of the three
            // 200,000-row files takes about 95 s.
            Instant ingestDeadline = Instant.now().plusSeconds(options.budgetSeconds / 4);
            results.ingest.addAll(ingest.run(options.ingestRows, options.runs, ingestDeadline));
        } catch (Exception e) {
            log.error("The ingestion benchmark failed", e);
            results.ingestNotMeasured = "the benchmark failed: " + e;
        }
    }

    private static String unavailable(
            BrokerScenario scenario,
            BenchScenarioSettings settings,
            AlertTemplates templates,
            BenchEnvironment environment) {
        if (!scenario.scores()) {
            return null;
        }
        if (!templates.fromSamples()) {
            return "the generated alerts have no cutouts, so the models cannot score them";
        }
        KowalskiConfig config = environment.configs().build(tree -> settings.apply(tree, scenario, 1, "bench_ztf"));
        return settings.modelsUnavailable(config);
    }

    private String describeOptions() {
        return String.format(
                java.util.Locale.ROOT,
                "--budget-s=%d --alerts=%d --repeat-share=%s --runs=%d --threads=%s --broker-threads=%d --max-poll-records=%d --run-timeout-s=%d"
                        + " --sweep-seconds=%d --ceiling-alerts=%d --catalog-sources=%d --burst-alerts=%d --api-seconds=%d --api-clients=%d"
                        + " --ingest-rows=%d",
                options.budgetSeconds,
                options.alerts,
                options.repeatShare,
                options.runs,
                options.threadCounts.stream()
                        .map(String::valueOf)
                        .reduce((a, b) -> a + "," + b)
                        .orElse(""),
                options.brokerThreads,
                options.maxPollRecords,
                options.runTimeoutSeconds,
                options.sweepSeconds,
                options.ceilingAlerts,
                options.catalogSources,
                options.burstAlerts,
                options.apiSeconds,
                options.apiClients,
                options.ingestRows);
    }
}
