package org.kowalski.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kowalski.bench.broker.BrokerRunResult;
import org.kowalski.bench.broker.BrokerScenario;

class ReportWriterTest {

    private static final MachineInfo TWO_CORES =
            new MachineInfo("test CPU", 2, 8L << 30, "OpenJDK 17", "Linux amd64", 4L << 30);

    @Test
    void verdictNamesShortfallAndStage() {
        BenchResults results = results();
        // 200, 100 and 300 alerts done in 10 s on 2 cores: 10, 5 and 15 alerts/s per core.
        results.scenarios.put(
                BrokerScenario.FILTERS,
                List.of(
                        run(BrokerScenario.FILTERS, 200, List.of()),
                        run(BrokerScenario.FILTERS, 100, List.of()),
                        run(BrokerScenario.FILTERS, 300, List.of())));

        String page = new ReportWriter(results).markdown("plot.png");

        assertThat(page)
                .contains("Run (d) sustains 10.0 (5.0 to 15.0) alerts/s per core, against the target of 100 alerts/s"
                        + " per core: it falls short by a factor of 10.0.");
        assertThat(page)
                .contains("The stage that holds it back is ML scoring before the insert (`enrich`), with 60% of the"
                        + " pipeline's batch time");
        assertThat(page).contains("| (d) | 10% (");
    }

    @Test
    void verdictSaysWhenTargetIsMet() {
        BenchResults results = results();
        // 3,000 alerts in 10 s on 2 cores: 150 alerts/s per core.
        results.scenarios.put(BrokerScenario.FILTERS, List.of(run(BrokerScenario.FILTERS, 3000, List.of())));

        String page = new ReportWriter(results).markdown("plot.png");

        assertThat(page).contains("Run (d) sustains 150.0 (1 run) alerts/s per core");
        assertThat(page).contains("the target is met, 1.5 times over.");
        assertThat(page)
                .contains("The largest stage, the next to speed up, is ML scoring before the insert (`enrich`)");
        assertThat(page).doesNotContain("holds it back");
    }

    @Test
    void stageNotesAppearInBrokerSection() {
        BenchResults results = results();
        results.scenarios.put(
                BrokerScenario.ML, List.of(run(BrokerScenario.ML, 100, List.of("no stored alert has a braai score"))));

        String page = new ReportWriter(results).markdown("plot.png");

        assertThat(page).contains("- Run (c): no stored alert has a braai score.");
        assertThat(page).contains("Run (d), the full pipeline, was not measured");
        assertThat(page).contains("The most complete run measured is (c) + six ML models.");
    }

    @Test
    void reportNamesEmbeddedServers() {
        String page = new ReportWriter(results()).markdown("plot.png");

        assertThat(page).contains("This run used the embedded store and the in-process Kafka only");
    }

    @Test
    void burstRunsGiveMedians() {
        BenchResults results = results();
        results.runs = 3;
        results.bursts.add(burst(160_000, 40_000, false));
        results.bursts.add(burst(200_000, 40_000, false));
        results.bursts.add(burst(300_000, 30_000, true));

        String page = new ReportWriter(results).markdown("plot.png");

        assertThat(page).contains("; 3 runs, each with a new application");
        assertThat(page)
                .contains("Run 3 reached its time limit of 300 s with 30,000 alerts stored and 30,000 done (100.0"
                        + " alerts/s).");
        assertThat(page).contains("(2 of 3):");
        assertThat(page).contains("| all stored and filtered, after the first publish (s) | 180.0 (160.0 to 200.0) |");
        assertThat(page).contains("| alerts/s | 225.0 (200.0 to 250.0) |");
    }

    @Test
    void shortenedBurstSaysSo() {
        BenchResults results = results();
        results.runs = 3;
        results.bursts.add(burst(160_000, 40_000, false));

        String page = new ReportWriter(results).markdown("plot.png");

        assertThat(page).contains("; one run, with a new application");
        assertThat(page).contains("The time budget left room for 1 of the 3 runs.");
        assertThat(page).contains("| alerts/s | 250.0 (1 run) |");
    }

    /** Returns a burst of 40,000 alerts that took {@code elapsedMs} with {@code done} alerts done. */
    private static BrokerRunResult burst(double elapsedMs, int done, boolean timedOut) {
        return new BrokerRunResult(
                BrokerScenario.FILTERS,
                2,
                40_000,
                done,
                done,
                done,
                0,
                elapsedMs,
                37_000,
                elapsedMs - 37_000,
                60_000,
                120_000,
                60_100,
                120_100,
                2L << 30,
                300_000,
                0,
                Map.of(),
                timedOut,
                false,
                null,
                new ArrayList<>(),
                0.5);
    }

    private static BenchResults results() {
        BenchResults results = new BenchResults();
        results.machine = TWO_CORES;
        results.loadAtStart = "0.50, 0.40, 0.30";
        results.loadAtEnd = "0.60, 0.50, 0.40";
        results.command = "make bench";
        results.options = "--runs=3";
        results.store = "embedded MongoDB-wire server";
        results.kafka = "in-process single-node Kafka (KRaft) broker";
        results.alertSource = "36 real ZTF sample alerts";
        results.alerts = 20_000;
        results.objects = 14_000;
        results.repeatAlerts = 6_000;
        results.backlogAlerts = 20_000;
        return results;
    }

    /** Returns a run of 10 s that timed out with {@code done} alerts, 60% of its batch time in {@code enrich}. */
    private static BrokerRunResult run(BrokerScenario scenario, int done, List<String> notes) {
        Map<String, Double> stages = Map.of(
                "batch", 10e9,
                "decode", 1e9,
                "enrich", 6e9,
                "insert", 1e9,
                "aux", 1.5e9,
                "post_store", 0.5e9);
        return new BrokerRunResult(
                scenario,
                2,
                20_000,
                done,
                done,
                done,
                0,
                10_000,
                Double.NaN,
                Double.NaN,
                1_000,
                2_000,
                1_100,
                2_100,
                1L << 30,
                15_000,
                0,
                stages,
                true,
                true,
                null,
                new ArrayList<>(notes),
                0.5);
    }
}
