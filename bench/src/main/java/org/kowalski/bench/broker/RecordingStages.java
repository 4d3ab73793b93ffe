package org.kowalski.bench.broker;

import java.util.List;
import java.util.function.Supplier;
import org.kowalski.common.broker.PostStoreStage;
import org.kowalski.common.broker.StoredAlert;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import reactor.core.publisher.Mono;

/**
 * The two post-store stages that the benchmark adds around the broker's own ones. They report to the
 * recorder of the current repetition, which changes while the application keeps running.
 */
final class RecordingStages {

    private RecordingStages() {}

    /**
     * Runs before every other post-store stage and marks the alerts stored. It is {@link PriorityOrdered},
     * because the broker's user filter stage also has the highest {@code @Order} and Spring sorts every
     * {@code PriorityOrdered} bean before the plainly ordered ones.
     */
    static final class First implements PostStoreStage, PriorityOrdered {

        private final Supplier<DeliveryRecorder> recorder;

        First(Supplier<DeliveryRecorder> recorder) {
            this.recorder = recorder;
        }

        @Override
        public Mono<Void> process(List<StoredAlert> alerts) {
            return Mono.fromRunnable(() -> recorder.get().stored(alerts));
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    /** Runs after every other post-store stage and marks the alerts done. */
    static final class Last implements PostStoreStage, Ordered {

        private final Supplier<DeliveryRecorder> recorder;

        Last(Supplier<DeliveryRecorder> recorder) {
            this.recorder = recorder;
        }

        @Override
        public Mono<Void> process(List<StoredAlert> alerts) {
            return Mono.fromRunnable(() -> recorder.get().done(alerts));
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
