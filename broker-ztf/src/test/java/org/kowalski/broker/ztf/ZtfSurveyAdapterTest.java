package org.kowalski.broker.ztf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kowalski.common.broker.AlertConsumer;
import org.kowalski.common.config.InvalidConfigurationException;
import org.kowalski.common.testing.TestConfigs;

class ZtfSurveyAdapterTest {

    private final ZtfSurveyAdapter adapter = new ZtfSurveyAdapter(TestConfigs.embedded());

    @Test
    void topicsCoverTonightAndLastNight() {
        List<String> topics = adapter.topics(LocalDate.of(2024, 3, 1));

        assertThat(topics)
                .containsExactly(
                        "ztf_20240301_programid1",
                        "ztf_20240301_programid2",
                        "ztf_20240301_programid3",
                        "ztf_20240229_programid1",
                        "ztf_20240229_programid2",
                        "ztf_20240229_programid3");
    }

    @Test
    void patternMatchesExactNamesOnly() {
        Pattern pattern = AlertConsumer.topicPattern(adapter.topics(LocalDate.of(2024, 3, 1)));

        assertThat(pattern.matcher("ztf_20240301_programid1").matches()).isTrue();
        assertThat(pattern.matcher("ztf_20240229_programid3").matches()).isTrue();
        // Longer program ids, other streams, dead-letter topics, other nights and other surveys are
        // different topics.
        for (String other : List.of(
                "ztf_20240301_programid12",
                "ztf_20240301_programid1_zuds",
                "ztf_20240301_programid1_failed",
                "ztf_20240301_programid1_test",
                "xztf_20240301_programid1",
                "ztf_20240228_programid1",
                "ztf_20240302_programid1",
                "ztf_20240301_programid4",
                "ztf_20240301_programid",
                "pgir_20240301")) {
            assertThat(pattern.matcher(other).matches()).as(other).isFalse();
        }
    }

    @Test
    void programIdsComeFromConfiguration() {
        ZtfSurveyAdapter publicOnly = new ZtfSurveyAdapter(TestConfigs.embedded(
                Map.of("brokers", Map.of("ZTF", Map.of("programids", List.of(1))))));

        assertThat(publicOnly.topics(LocalDate.of(2024, 1, 1)))
                .containsExactly("ztf_20240101_programid1", "ztf_20231231_programid1");
    }

    @Test
    void rejectsMissingProgramIds() {
        assertThatThrownBy(() -> new ZtfSurveyAdapter(TestConfigs.embedded(
                        Map.of("brokers", Map.of("ZTF", Map.of("programids", List.of()))))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("brokers.ZTF.programids");
    }
}
