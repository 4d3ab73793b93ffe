package org.kowalski.common.xmatch;

import com.mongodb.reactivestreams.client.MongoDatabase;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.sky.SkyQuery;
import org.kowalski.common.sky.SkyQueryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Finds the newest public ZTF alert near a PGIR, WINTER or TURBO object: the alert of
 * {@code candidate.programid} 1 with the largest {@code candidate.jd} within 8" (PGIR, TURBO) or 2"
 * (WNTR), with a short projection. Brokers store the result as {@code cross_matches.ZTF_alerts}.
 */
public final class LatestZtfAlertMatcher {

    private static final Logger log = LoggerFactory.getLogger(LatestZtfAlertMatcher.class);

    /** Match radius per survey in arcseconds. */
    public static final Map<String, Double> RADIUS_ARCSEC = Map.of("PGIR", 8.0, "TURBO", 8.0, "WNTR", 2.0);

    private static final Document FILTER = new Document("candidate.programid", 1);
    private static final Document PROJECTION = new Document("objectId", 1)
            .append("candid", 1)
            .append("candidate.jd", 1)
            .append("candidate.magpsf", 1)
            .append("candidate.sigmapsf", 1)
            .append("candidate.fid", 1)
            .append("candidate.drb", 1)
            .append("coordinates.radec_str", 1);
    private static final Document NEWEST_FIRST = new Document("candidate.jd", -1);

    private final MongoDatabase database;
    private final SkyQuery skyQuery;
    private final String ztfAlertsCollection;

    public LatestZtfAlertMatcher(MongoDatabase database, SkyQuery skyQuery, KowalskiConfig config) {
        this.database = database;
        this.skyQuery = skyQuery;
        this.ztfAlertsCollection = config.collection("alerts_ztf");
    }

    /**
     * Returns a list of the newest public ZTF alert within the survey's radius, or an empty list.
     * When the query fails, the error is logged and the result completes empty (no list), so that the
     * caller can keep the previous match instead of overwriting it.
     *
     * @param survey {@code PGIR}, {@code WNTR} or {@code TURBO}
     * @param objectId the object's id, for log lines
     * @param raDeg right ascension of the object in degrees
     * @param decDeg declination of the object in degrees
     * @throws IllegalArgumentException for a survey without a radius
     */
    public Mono<List<Document>> latestPublicAlert(String survey, String objectId, double raDeg, double decDeg) {
        Double radiusArcsec = RADIUS_ARCSEC.get(survey);
        if (radiusArcsec == null) {
            throw new IllegalArgumentException(
                    "No ZTF alert match radius for survey '" + survey + "': use one of " + RADIUS_ARCSEC.keySet());
        }
        SkyQueryOptions options =
                SkyQueryOptions.of(FILTER, PROJECTION).withSort(NEWEST_FIRST).withLimit(1);
        return skyQuery.cone(
                        database.getCollection(ztfAlertsCollection), raDeg, decDeg, radiusArcsec, "arcsec", options)
                .collectList()
                .onErrorResume(error -> {
                    log.warn(
                            "{} {}: match with the latest ZTF alert failed, previous match kept: {}",
                            survey,
                            objectId,
                            error.toString());
                    return Mono.empty();
                });
    }
}
