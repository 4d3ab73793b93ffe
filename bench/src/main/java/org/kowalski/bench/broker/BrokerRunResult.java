package org.kowalski.bench.broker;

import java.util.List;
import java.util.Map;

/**
 * The figures of one broker run.
 *
 * @param published alerts sent to Kafka
 * @param stored alerts that reached the first post-store stage (stored with their history)
 * @param done alerts that passed every post-store stage (the filters among them)
 * @param doneMeasured alerts done after the measurement started, which the rates count
 * @param failed messages or alerts the broker sent to the dead-letter topic
 * @param elapsedMs from the start of the measurement (the first publish, or the broker started on a
 *     backlog) to the last alert done, or to the time limit
 * @param publishMs from the first publish to the last acknowledged publish
 * @param drainMs from the last acknowledged publish (or the start on a backlog) to the last alert done,
 *     the time the consumer needed to clear the lag; NaN when the run timed out
 * @param storeP50Ms median latency from the Kafka record timestamp to the stored alert
 * @param doneP50Ms median latency from the Kafka record timestamp to the end of the post-store stages
 * @param peakHeapBytes largest heap use sampled every 100 ms during the run, of the whole benchmark JVM
 * @param cpuMs CPU time of the benchmark JVM during the run (broker, store, Kafka and producer together)
 * @param maxLag largest consumer lag the broker reported, in messages
 * @param stageNanos total time per pipeline stage from the broker's Micrometer timers
 * @param timedOut whether the run hit its time limit before every alert was done
 * @param fromBacklog whether the alerts were published before the broker started
 * @param missingStage the stage the scenario adds but the broker application does not have, or null
 * @param stageNotes sentences on stages of the scenario that did not work, such as ML scores missing
 * @param loadAverage the machine's 1-minute load average when the measurement started
 */
public record BrokerRunResult(
        BrokerScenario scenario,
        int threads,
        int published,
        int stored,
        int done,
        int doneMeasured,
        int failed,
        double elapsedMs,
        double publishMs,
        double drainMs,
        double storeP50Ms,
        double storeP99Ms,
        double doneP50Ms,
        double doneP99Ms,
        long peakHeapBytes,
        double cpuMs,
        double maxLag,
        Map<String, Double> stageNanos,
        boolean timedOut,
        boolean fromBacklog,
        String missingStage,
        List<String> stageNotes,
        double loadAverage) {

    /** Returns this result with the notes on its stages. */
    public BrokerRunResult withStageNotes(List<String> notes) {
        return new BrokerRunResult(
                scenario,
                threads,
                published,
                stored,
                done,
                doneMeasured,
                failed,
                elapsedMs,
                publishMs,
                drainMs,
                storeP50Ms,
                storeP99Ms,
                doneP50Ms,
                doneP99Ms,
                peakHeapBytes,
                cpuMs,
                maxLag,
                stageNanos,
                timedOut,
                fromBacklog,
                missingStage,
                List.copyOf(notes),
                loadAverage);
    }

    /** Returns alerts done per second of wall-clock time. */
    public double alertsPerSecond() {
        return elapsedMs > 0 ? doneMeasured * 1000.0 / elapsedMs : Double.NaN;
    }

    /** Returns alerts done per second of CPU time of the whole benchmark JVM. */
    public double alertsPerCpuSecond() {
        return cpuMs > 0 ? doneMeasured * 1000.0 / cpuMs : Double.NaN;
    }
}
