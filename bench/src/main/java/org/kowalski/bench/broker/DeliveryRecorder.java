package org.kowalski.bench.broker;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.kowalski.bench.replay.AlertReplayer;
import org.kowalski.common.broker.StoredAlert;

/**
 * When each replayed alert was published, stored and through every post-store stage (the filters), in
 * epoch milliseconds. The broker's first post-store stage marks an alert stored, because the pipeline
 * calls post-store stages after the alert and its object's history are written. Its last stage marks
 * the alert done.
 *
 * <p>Latencies run from the alert's arrival: its Kafka record timestamp, or the start of consumption
 * ({@link #consumptionStarted}) for alerts published before the broker started.
 */
public final class DeliveryRecorder {

    private final AlertReplayer replayer;
    private final long[] publishedAtMs;
    private final long[] storedAtMs;
    private final long[] doneAtMs;
    private final AtomicInteger stored = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private volatile long lastDoneAtMs;
    private volatile long consumptionStartMs;

    public DeliveryRecorder(AlertReplayer replayer) {
        this.replayer = replayer;
        this.publishedAtMs = new long[replayer.alerts()];
        this.storedAtMs = new long[replayer.alerts()];
        this.doneAtMs = new long[replayer.alerts()];
    }

    /** Records the Kafka record timestamp that the producer set for an alert. */
    void published(int alert, long timestampMs) {
        publishedAtMs[alert] = timestampMs;
    }

    /** Copies the record timestamps of alerts published before this run. */
    void publishedBefore(long[] timestampsMs) {
        System.arraycopy(timestampsMs, 0, publishedAtMs, 0, Math.min(timestampsMs.length, publishedAtMs.length));
    }

    /** Marks the moment the broker was started and consuming; earlier record timestamps count from here. */
    void consumptionStarted(long atMs) {
        consumptionStartMs = atMs;
    }

    void stored(List<StoredAlert> alerts) {
        long now = System.currentTimeMillis();
        for (StoredAlert alert : alerts) {
            int index = replayer.alertOfCandid(alert.alert().candid());
            if (index >= 0 && storedAtMs[index] == 0) {
                storedAtMs[index] = now;
                stored.incrementAndGet();
            }
        }
    }

    void done(List<StoredAlert> alerts) {
        long now = System.currentTimeMillis();
        for (StoredAlert alert : alerts) {
            int index = replayer.alertOfCandid(alert.alert().candid());
            if (index >= 0 && doneAtMs[index] == 0) {
                doneAtMs[index] = now;
                done.incrementAndGet();
            }
        }
        lastDoneAtMs = now;
    }

    long[] publishedAtMs() {
        return publishedAtMs.clone();
    }

    public int storedCount() {
        return stored.get();
    }

    public int doneCount() {
        return done.get();
    }

    public long lastDoneAtMs() {
        return lastDoneAtMs;
    }

    /** Returns the latencies from the Kafka record timestamp to the stored alert, in milliseconds, sorted. */
    public long[] storeLatenciesMs() {
        return latencies(storedAtMs);
    }

    /** Returns the latencies from the Kafka record timestamp to the end of the post-store stages, sorted. */
    public long[] doneLatenciesMs() {
        return latencies(doneAtMs);
    }

    private long[] latencies(long[] reachedAtMs) {
        long[] values = new long[reachedAtMs.length];
        int count = 0;
        for (int i = 0; i < reachedAtMs.length; i++) {
            if (reachedAtMs[i] != 0 && publishedAtMs[i] != 0) {
                long arrivedAtMs = Math.max(publishedAtMs[i], consumptionStartMs);
                values[count++] = Math.max(0, reachedAtMs[i] - arrivedAtMs);
            }
        }
        long[] result = Arrays.copyOf(values, count);
        Arrays.sort(result);
        return result;
    }

    /** Returns the value at quantile {@code q} of sorted values (nearest rank), or NaN when empty. */
    public static double quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
