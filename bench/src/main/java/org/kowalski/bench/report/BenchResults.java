package org.kowalski.bench.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kowalski.bench.api.ApiResult;
import org.kowalski.bench.broker.BrokerRunResult;
import org.kowalski.bench.broker.BrokerScenario;
import org.kowalski.bench.ingest.IngestResult;

/** Everything one {@code make bench} measured, filled in by the suite and read by the report writer. */
public final class BenchResults {

    public MachineInfo machine;
    public String loadAtStart;
    public String loadAtEnd;
    public String command;
    public String options;
    public Duration duration = Duration.ZERO;
    public String store;
    public String kafka;

    public String alertSource;

    /** Largest batch of runs (b) to (d) and the burst; run (a) keeps the configured one. */
    public int crossMatchBatch;

    /** The configured largest batch ({@code brokers.ZTF.max_poll_records}), which run (a) uses. */
    public int configuredBatch;

    public int alerts;
    public int objects;
    public int repeatAlerts;
    public int catalogSources;

    /** Alerts each ceiling run decoded and inserted. */
    public int ceilingAlerts;

    /** How long publishing the broker runs' backlog took, in milliseconds. */
    public double backlogPublishMs = Double.NaN;

    /** Alerts on the broker runs' backlog: all of {@link #alerts}, or fewer when publishing ran out of time. */
    public int backlogAlerts;

    /** Ceilings in alerts per second of one thread, one value per run. */
    public final List<Double> decodeOnly = new ArrayList<>();

    public final List<Double> decodeAndMongify = new ArrayList<>();
    public final List<Double> bulkInsert = new ArrayList<>();

    /** Milliseconds to cross-match one new object against the catalog, one value per run. */
    public final List<Double> crossMatchMs = new ArrayList<>();

    public final Map<BrokerScenario, List<BrokerRunResult>> scenarios = new EnumMap<>(BrokerScenario.class);
    public final Map<BrokerScenario, String> notMeasured = new EnumMap<>(BrokerScenario.class);

    /** Whether the budget left only one run for the sweep's extra thread counts. */
    public boolean sweepShortened;

    /** Consumer threads of runs (a) to (d), whose run (a) gives the sweep's figures at that count. */
    public int brokerThreads;

    /** Time limit of each sweep run at the other thread counts. */
    public int sweepSeconds;

    /** Runs of scenario (a) by consumer thread count. */
    public final Map<Integer, List<BrokerRunResult>> sweep = new TreeMap<>();

    /** Runs of each part that the options ask for. */
    public int runs;

    /** Runs of the burst test, in order; fewer than the other parts' runs when the budget ran short. */
    public final List<BrokerRunResult> bursts = new ArrayList<>();

    public final List<ApiResult> api = new ArrayList<>();
    public String apiNotMeasured;

    public final List<IngestResult> ingest = new ArrayList<>();
    public String ingestNotMeasured;
}
