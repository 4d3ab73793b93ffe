package org.kowalski.api.classification;

import java.util.List;
import java.util.Locale;
import org.kowalski.api.web.ApiException;
import org.kowalski.common.config.KowalskiConfig;

/**
 * The alert surveys of the alert routes ({@code ztf}, {@code pgir}, {@code wntr}, {@code turbo}) and
 * their collections from {@code database.collections}: {@code alerts_<survey>} and
 * {@code alerts_<survey>_classifications}.
 */
public final class Surveys {

    public static final List<String> NAMES = List.of("ztf", "wntr", "pgir", "turbo");

    private Surveys() {}

    /**
     * Returns a survey name in lower case.
     *
     * @throws ApiException 400 for a name that is not a survey
     */
    public static String normalize(String survey) {
        String name = survey.toLowerCase(Locale.ROOT);
        if (!NAMES.contains(name)) {
            throw ApiException.badRequest("survey " + survey + " must be one of [" + String.join(", ", NAMES) + "]");
        }
        return name;
    }

    /** Returns the object id field of a survey's alerts: {@code objectid} for WINTER, {@code objectId} otherwise. */
    public static String objectIdField(String survey) {
        return "wntr".equals(survey) ? "objectid" : "objectId";
    }

    /**
     * Returns the alert collection of a survey.
     *
     * @throws ApiException 400 when {@code database.collections.alerts_<survey>} is not configured
     */
    public static String alertsCollection(KowalskiConfig config, String survey) {
        String name = config.database().collections().get("alerts_" + survey);
        if (name == null) {
            throw ApiException.badRequest("survey " + survey + " not available: database.collections.alerts_" + survey
                    + " is not configured on this server");
        }
        return name;
    }

    /**
     * Returns the classification collection of a survey.
     *
     * @throws ApiException 400 when {@code database.collections.alerts_<survey>_classifications} is not configured
     */
    public static String classificationsCollection(KowalskiConfig config, String survey) {
        alertsCollection(config, survey);
        String name = config.database().collections().get("alerts_" + survey + "_classifications");
        if (name == null) {
            throw ApiException.badRequest("survey " + survey + " classifications not available:"
                    + " database.collections.alerts_" + survey + "_classifications is not configured on this server");
        }
        return name;
    }
}
