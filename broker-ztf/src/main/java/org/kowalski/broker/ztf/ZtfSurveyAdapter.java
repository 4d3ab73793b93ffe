package org.kowalski.broker.ztf;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.kowalski.common.broker.SurveyAdapter;
import org.kowalski.common.config.InvalidConfigurationException;
import org.kowalski.common.config.KowalskiConfig;

/**
 * ZTF: topics {@code ztf_<YYYYMMDD>_programid<N>} for each configured program id, for the current UTC
 * night and the previous one (late alerts still arrive on yesterday's topics); alerts keyed by {@code
 * objectId}; forced photometry kept in aux.
 */
public class ZtfSurveyAdapter implements SurveyAdapter {

    private static final DateTimeFormatter NIGHT = DateTimeFormatter.BASIC_ISO_DATE;

    private final String topicPrefix;
    private final List<Integer> programIds;

    public ZtfSurveyAdapter(KowalskiConfig config) {
        KowalskiConfig.Broker broker = config.brokers().get(ZtfBrokerApplication.SURVEY);
        if (broker == null || broker.programids() == null || broker.programids().isEmpty()) {
            throw new InvalidConfigurationException("Missing key brokers.ZTF.programids: list the ZTF program ids"
                    + " whose topics the broker consumes, such as [1, 2, 3]");
        }
        this.topicPrefix = broker.topicPrefix() == null ? "ztf" : broker.topicPrefix();
        this.programIds = List.copyOf(broker.programids());
    }

    @Override
    public String survey() {
        return ZtfBrokerApplication.SURVEY;
    }

    @Override
    public List<String> topics(LocalDate utcDate) {
        List<String> topics = new ArrayList<>();
        for (LocalDate night : List.of(utcDate, utcDate.minusDays(1))) {
            for (int programId : programIds) {
                topics.add(topicPrefix + "_" + night.format(NIGHT) + "_programid" + programId);
            }
        }
        return topics;
    }

    @Override
    public String alertsCollectionKey() {
        return "alerts_ztf";
    }

    @Override
    public String auxCollectionKey() {
        return "alerts_ztf_aux";
    }

    @Override
    public boolean forcedPhotometry() {
        return true;
    }
}
