package org.kowalski.broker.pgir;

import java.time.LocalDate;
import java.util.List;
import org.kowalski.common.broker.SurveyAdapter;
import org.kowalski.common.config.KowalskiConfig;

/**
 * Palomar Gattini-IR: topics {@code pgir_<YYYYMMDD>} of the current UTC night and the previous one (late
 * alerts still arrive on yesterday's topic); alerts keyed by {@code objectId}; no forced photometry.
 */
public class PgirSurveyAdapter implements SurveyAdapter {

    private final String topicPrefix;

    public PgirSurveyAdapter(KowalskiConfig config) {
        this.topicPrefix = SurveyAdapter.topicPrefix(config, PgirBrokerApplication.SURVEY, "pgir");
    }

    @Override
    public String survey() {
        return PgirBrokerApplication.SURVEY;
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
