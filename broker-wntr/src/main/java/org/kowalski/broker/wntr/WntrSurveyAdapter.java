package org.kowalski.broker.wntr;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.kowalski.common.broker.SurveyAdapter;
import org.kowalski.common.config.KowalskiConfig;

/**
 * WINTER: topics {@code winter_<YYYYMMDD>} named after local nights at Palomar, so the broker consumes
 * the nights of the current UTC date minus 1, 2 and 3 days, or the nights of {@code
 * brokers.WNTR.nights} when that list is set; alerts keyed by {@code objectid} (lower case); no forced
 * photometry.
 */
public class WntrSurveyAdapter implements SurveyAdapter {

    /** Days before the current UTC date whose local nights are consumed. */
    private static final List<Integer> NIGHTS_BEFORE_TODAY = List.of(1, 2, 3);

    private final String topicPrefix;
    private final List<LocalDate> configuredNights;

    /** Reads the topic prefix and nights; {@code ConfigValidator} has checked the nights' format. */
    public WntrSurveyAdapter(KowalskiConfig config) {
        this.topicPrefix = SurveyAdapter.topicPrefix(config, WntrBrokerApplication.SURVEY, "winter");
        KowalskiConfig.Broker broker = config.brokers().get(WntrBrokerApplication.SURVEY);
        this.configuredNights = broker == null
                ? List.of()
                : broker.nightsOrEmpty().stream()
                        .map(night -> LocalDate.parse(night, DateTimeFormatter.BASIC_ISO_DATE))
                        .toList();
    }

    @Override
    public String survey() {
        return WntrBrokerApplication.SURVEY;
    }

    @Override
    public List<String> topics(LocalDate utcDate) {
        if (!configuredNights.isEmpty()) {
            return SurveyAdapter.nightlyTopics(topicPrefix, configuredNights);
        }
        List<LocalDate> nights =
                NIGHTS_BEFORE_TODAY.stream().map(utcDate::minusDays).toList();
        return SurveyAdapter.nightlyTopics(topicPrefix, nights);
    }

    @Override
    public boolean matchesLatestZtfAlert() {
        return true;
    }
}
