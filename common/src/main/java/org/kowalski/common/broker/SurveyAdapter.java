package org.kowalski.common.broker;

import java.time.LocalDate;
import java.util.List;

/**
 * What differs between the surveys' brokers; everything else (consuming, decoding, storing, the hooks
 * for enrichment, cross-matching and filtering) is shared. A survey's broker module provides one bean
 * of this type.
 */
public interface SurveyAdapter {

    /** Returns the survey code, as in the configuration keys: {@code ZTF}, {@code PGIR}, {@code WNTR}, {@code TURBO}. */
    String survey();

    /**
     * Returns the exact names of the Kafka topics to consume on a UTC date, such as {@code
     * ztf_20240101_programid1}; the broker switches to the new list when the date changes.
     */
    List<String> topics(LocalDate utcDate);

    /** Returns the key of {@code database.collections} naming the alerts collection, such as {@code alerts_ztf}. */
    String alertsCollectionKey();

    /** Returns the key of {@code database.collections} naming the aux collection, such as {@code alerts_ztf_aux}. */
    String auxCollectionKey();

    /** Returns the name of the object id field of the survey's alerts. */
    default String objectIdField() {
        return "objectId";
    }

    /** Returns whether the alerts carry forced photometry ({@code fp_hists}) that aux keeps, as ZTF's do. */
    default boolean forcedPhotometry() {
        return false;
    }
}
