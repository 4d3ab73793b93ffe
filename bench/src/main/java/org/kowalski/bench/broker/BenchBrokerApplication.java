package org.kowalski.bench.broker;

import org.kowalski.broker.ztf.ZtfBrokerApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The ZTF broker application as it runs in production, with its own ML enricher, cross-match and user
 * filter stage, plus the benchmark's two recording post-store stages around the broker's ones. Spring
 * creates this class reflectively, so the stages read the recorder of the current repetition from
 * {@link #recorder}. One application runs at a time.
 */
@Configuration(proxyBeanMethods = false)
@Import(ZtfBrokerApplication.class)
public class BenchBrokerApplication {

    /** The recorder of the current repetition. */
    static volatile DeliveryRecorder recorder;

    @Bean
    RecordingStages.First benchStoredStage() {
        return new RecordingStages.First(() -> recorder);
    }

    @Bean
    RecordingStages.Last benchDoneStage() {
        return new RecordingStages.Last(() -> recorder);
    }
}
