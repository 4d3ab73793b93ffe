package org.kowalski.broker.wntr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kowalski.common.config.InvalidConfigurationException;
import org.kowalski.common.testing.TestConfigs;

class WntrSurveyAdapterTest {

    @Test
    void topicsAreThreeLocalNightsBeforeToday() {
        WntrSurveyAdapter adapter = new WntrSurveyAdapter(TestConfigs.embedded());

        assertThat(adapter.topics(LocalDate.of(2024, 3, 1)))
                .containsExactly("winter_20240229", "winter_20240228", "winter_20240227");
        assertThat(adapter.objectIdField()).isEqualTo("objectid");
    }

    @Test
    void configuredNightsReplaceDefaultNights() {
        WntrSurveyAdapter adapter = new WntrSurveyAdapter(TestConfigs.embedded(Map.of(
                "brokers", Map.of("WNTR", Map.of("nights", List.of("20240311", 20240312))))));

        assertThat(adapter.topics(LocalDate.of(2026, 1, 1))).containsExactly("winter_20240311", "winter_20240312");
    }

    @Test
    void invalidNightIsRejected() {
        assertThatThrownBy(() -> TestConfigs.embedded(
                        Map.of("brokers", Map.of("WNTR", Map.of("nights", List.of("2024-03-11"))))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("brokers.WNTR.nights contains '2024-03-11'")
                .hasMessageContaining("YYYYMMDD");
    }
}
