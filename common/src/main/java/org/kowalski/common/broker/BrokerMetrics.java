package org.kowalski.common.broker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The broker's Micrometer meters, tagged with the survey. In Prometheus format they read {@code
 * kowalski_broker_messages_consumed_total}, {@code kowalski_broker_alerts_stored_total}, {@code
 * kowalski_broker_alerts_duplicates_total}, {@code kowalski_broker_alerts_failed_total}, {@code
 * kowalski_broker_stage_seconds} (tag {@code stage}) and {@code kowalski_broker_consumer_lag} (messages
 * not yet consumed, summed over the assigned partitions).
 */
public class BrokerMetrics {

    /** The timed pipeline stages. */
    public enum Stage {
        DECODE,
        ENRICH,
        INSERT,
        AUX,
        POST_STORE,
        BATCH;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final String survey;
    private final Counter consumed;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter failed;
    private final Map<Stage, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Long> lagByConsumer = new ConcurrentHashMap<>();

    public BrokerMetrics(MeterRegistry registry, String survey) {
        this.registry = registry;
        this.survey = survey;
        this.consumed = Counter.builder("kowalski.broker.messages.consumed")
                .description("Kafka messages received by the broker")
                .tag("survey", survey)
                .register(registry);
        this.stored = Counter.builder("kowalski.broker.alerts.stored")
                .description("Alerts inserted into the alerts collection")
                .tag("survey", survey)
                .register(registry);
        this.duplicates = Counter.builder("kowalski.broker.alerts.duplicates")
                .description("Alerts skipped because their candid was already stored")
                .tag("survey", survey)
                .register(registry);
        this.failed = Counter.builder("kowalski.broker.alerts.failed")
                .description("Messages or alerts that could not be stored and went to the dead-letter topic")
                .tag("survey", survey)
                .register(registry);
        Gauge.builder(
                        "kowalski.broker.consumer.lag",
                        lagByConsumer,
                        lags -> lags.values().stream()
                                .mapToLong(Long::longValue)
                                .sum())
                .description("Messages on the assigned partitions not consumed yet")
                .tag("survey", survey)
                .register(registry);
    }

    /** Returns metrics kept in memory only, for tests and tools without a registry. */
    public static BrokerMetrics inMemory(String survey) {
        return new BrokerMetrics(new SimpleMeterRegistry(), survey);
    }

    public void consumed(int messages) {
        consumed.increment(messages);
    }

    public void stored(int alerts) {
        stored.increment(alerts);
    }

    public void duplicates(int alerts) {
        duplicates.increment(alerts);
    }

    public void failed(int count) {
        failed.increment(count);
    }

    /** Records how long a stage took for one batch. */
    public void time(Stage stage, long nanos) {
        timers.computeIfAbsent(
                        stage,
                        s -> Timer.builder("kowalski.broker.stage")
                                .description("Time per batch spent in a pipeline stage")
                                .tag("survey", survey)
                                .tag("stage", s.tag())
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records the lag of one consumer (one consumer thread), which the lag gauge sums. */
    public void lag(String consumerId, long messages) {
        lagByConsumer.put(consumerId, messages);
    }

    public double storedCount() {
        return stored.count();
    }

    public double duplicateCount() {
        return duplicates.count();
    }

    public double failedCount() {
        return failed.count();
    }

    public double consumedCount() {
        return consumed.count();
    }
}
