package org.kowalski.common.broker;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.skyportal.SurveyProfile;

/**
 * What differs between the surveys' brokers; everything else (consuming, decoding, storing, the hooks
 * for enrichment, cross-matching and filtering) is shared. A survey's broker module provides one bean
 * of this type.
 *
 * <p>The collection keys, the object id field and the forced-photometry switch default to the survey's
 * {@link SurveyProfile}, which also carries what filtering and SkyPortal posting need (filter names,
 * zero point, streams, cutout fields, thumbnail scaling).
 */
public interface SurveyAdapter {

    /** Returns the survey code, as in the configuration keys: {@code ZTF}, {@code PGIR}, {@code WNTR}, {@code TURBO}. */
    String survey();

    /**
     * Returns the exact names of the Kafka topics to consume on a UTC date, such as {@code
     * ztf_20240101_programid1}; the broker switches to the new list when the date changes.
     */
    List<String> topics(LocalDate utcDate);

    /**
     * Returns the survey's filtering and SkyPortal settings; by default the built-in profile of {@link
     * #survey()}. A survey without a built-in profile overrides this.
     */
    default SurveyProfile profile() {
        return SurveyProfile.of(survey());
    }

    /** Returns the key of {@code database.collections} naming the alerts collection, such as {@code alerts_ztf}. */
    default String alertsCollectionKey() {
        return profile().alertsCollectionKey();
    }

    /** Returns the key of {@code database.collections} naming the aux collection, such as {@code alerts_ztf_aux}. */
    default String auxCollectionKey() {
        return profile().auxCollectionKey();
    }

    /** Returns the name of the object id field of the survey's alerts, such as {@code objectId}. */
    default String objectIdField() {
        return profile().objectIdField();
    }

    /** Returns whether the alerts carry forced photometry ({@code fp_hists}) that aux keeps, as ZTF's do. */
    default boolean forcedPhotometry() {
        return profile().forcedPhotometry();
    }

    /**
     * Returns whether objects are also matched with the newest public ZTF alert nearby, stored as {@code
     * cross_matches.ZTF_alerts} and recomputed with every later alert, as PGIR, WINTER and TURBO do.
     */
    default boolean matchesLatestZtfAlert() {
        return false;
    }

    /** Returns the topic names {@code <prefix>_<YYYYMMDD>} of the nights, in the order given. */
    static List<String> nightlyTopics(String prefix, List<LocalDate> nights) {
        return nights.stream()
                .map(night -> prefix + "_" + night.format(DateTimeFormatter.BASIC_ISO_DATE))
                .toList();
    }

    /** Returns {@code brokers.<survey>.topic_prefix}, or {@code defaultPrefix} when it is not set. */
    static String topicPrefix(KowalskiConfig config, String survey, String defaultPrefix) {
        KowalskiConfig.Broker broker = config.brokers().get(survey);
        if (broker == null
                || broker.topicPrefix() == null
                || broker.topicPrefix().isBlank()) {
            return defaultPrefix;
        }
        return broker.topicPrefix();
    }
}
