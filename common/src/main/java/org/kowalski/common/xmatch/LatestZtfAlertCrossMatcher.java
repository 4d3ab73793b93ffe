package org.kowalski.common.xmatch;

import org.bson.Document;
import org.kowalski.common.alert.MongifiedAlert;
import org.kowalski.common.broker.CrossMatcher;
import reactor.core.publisher.Mono;

/**
 * Adds the newest public ZTF alert near an object to another cross-matcher's result, under the key
 * {@value #ZTF_ALERTS}, as the PGIR, WINTER and TURBO brokers store it. A new object gets the catalog
 * matches and this key; every later alert of a known object recomputes this key alone, because ZTF keeps
 * observing the same sky.
 *
 * <p>A failed ZTF alert query leaves the key out for a new object and keeps the stored value for a known
 * one, so a transient error never replaces a match with an empty list.
 */
public final class LatestZtfAlertCrossMatcher implements CrossMatcher {

    /** The {@code cross_matches} key of the newest public ZTF alert near the object. */
    public static final String ZTF_ALERTS = "ZTF_alerts";

    private final String survey;
    private final CrossMatcher catalogs;
    private final LatestZtfAlertMatcher latestZtfAlert;

    /**
     * @param survey {@code PGIR}, {@code WNTR} or {@code TURBO}, which sets the match radius
     * @param catalogs the cross-matcher of the survey's catalogs
     * @throws IllegalArgumentException for a survey without a ZTF alert match radius
     */
    public LatestZtfAlertCrossMatcher(String survey, CrossMatcher catalogs, LatestZtfAlertMatcher latestZtfAlert) {
        if (!LatestZtfAlertMatcher.RADIUS_ARCSEC.containsKey(survey)) {
            throw new IllegalArgumentException("No ZTF alert match radius for survey '" + survey + "': use one of "
                    + LatestZtfAlertMatcher.RADIUS_ARCSEC.keySet());
        }
        this.survey = survey;
        this.catalogs = catalogs;
        this.latestZtfAlert = latestZtfAlert;
    }

    @Override
    public Mono<Document> crossMatch(MongifiedAlert alert) {
        return catalogs.crossMatch(alert)
                .defaultIfEmpty(new Document())
                .flatMap(matches -> latestZtfAlert(alert)
                        .map(ztfAlerts -> {
                            matches.put(ZTF_ALERTS, ztfAlerts.get(ZTF_ALERTS));
                            return matches;
                        })
                        .defaultIfEmpty(matches));
    }

    @Override
    public Mono<Document> refresh(MongifiedAlert alert) {
        return latestZtfAlert(alert);
    }

    /** Returns {@code {ZTF_alerts: [0 or 1 alert]}}, or nothing when the query failed. */
    private Mono<Document> latestZtfAlert(MongifiedAlert alert) {
        // The mongifier rejects alerts without a numeric candidate.ra and candidate.dec.
        double raDeg = ((Number) alert.candidate().get("ra")).doubleValue();
        double decDeg = ((Number) alert.candidate().get("dec")).doubleValue();
        return latestZtfAlert
                .latestPublicAlert(survey, alert.objectId(), raDeg, decDeg)
                .map(ztfAlerts -> new Document(ZTF_ALERTS, ztfAlerts));
    }
}
