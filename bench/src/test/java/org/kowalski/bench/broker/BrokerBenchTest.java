package org.kowalski.bench.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kowalski.bench.BenchEnvironment;
import org.kowalski.bench.replay.AlertReplayer;
import org.kowalski.bench.replay.AlertTemplates;
import reactor.core.publisher.Mono;

class BrokerBenchTest {

    private static final int ALERTS = 300;

    @Test
    void everyRepetitionDrainsWholeBacklog(@TempDir Path workDir) throws InterruptedException {
        AlertReplayer replayer = AlertReplayer.plan(AlertTemplates.generated("a test"), ALERTS, 0.3, 5);

        try (BenchEnvironment environment = BenchEnvironment.start(workDir)) {
            BrokerBench bench =
                    new BrokerBench(environment, new BenchScenarioSettings(null, workDir.resolve("models"), 10));
            BrokerBench.Backlog backlog = bench.publishBacklog(replayer, Duration.ofSeconds(60));
            List<BrokerRunResult> results =
                    bench.run(BrokerScenario.STORE, 2, replayer, backlog, 3, () -> Duration.ofSeconds(60));

            assertThat(backlog.count()).isEqualTo(ALERTS);
            assertThat(results).hasSize(3);
            for (BrokerRunResult result : results) {
                String repetition = "repetition " + (results.indexOf(result) + 1);
                assertThat(result.done()).as(repetition).isEqualTo(ALERTS);
                assertThat(result.doneMeasured()).as(repetition).isEqualTo(ALERTS);
                assertThat(result.failed()).as(repetition).isZero();
                assertThat(result.timedOut()).as(repetition).isFalse();
            }
            String alerts = environment.base().collection("alerts_ztf");
            Long stored = Mono.from(environment.database().getCollection(alerts).countDocuments(new Document()))
                    .block();
            assertThat(stored).isEqualTo(ALERTS);
        }
    }
}
