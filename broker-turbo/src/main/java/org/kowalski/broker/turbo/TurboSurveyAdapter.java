package org.kowalski.broker.turbo;

import java.time.LocalDate;
import java.util.List;
import org.kowalski.common.broker.SurveyAdapter;
import org.kowalski.common.config.KowalskiConfig;

/**
 * TURBO: topics {@code turbo_<YYYYMMDD>} of the current UTC night and the previous one (late alerts
 * still arrive on yesterday's topic); alerts keyed by {@code objectId}; no forced photometry.
 *
 * <p>TURBO's top-level {@code candid} is a small per-night counter (0 to 10 in the sample alerts), so
 * alerts of different nights can share one and the later one is then skipped as a duplicate.
 */
public class TurboSurveyAdapter implements SurveyAdapter {

    private final String topicPrefix;

    public TurboSurveyAdapter(KowalskiConfig config) {
        this.topicPrefix = SurveyAdapter.topicPrefix(config, TurboBrokerApplication.SURVEY, "turbo");
    }

    @Override
    public String survey() {
        return TurboBrokerApplication.SURVEY;
    }

    @Override
    public List<String> topics(LocalDate utcDate) {
        return SurveyAdapter.nightlyTopics(topicPrefix, List.of(utcDate, utcDate.minusDays(1)));
    }

    @Override
    public boolean matchesLatestZtfAlert() {
        return true;
    }
}
