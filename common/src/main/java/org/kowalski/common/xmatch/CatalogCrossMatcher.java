package org.kowalski.common.xmatch;

import com.mongodb.reactivestreams.client.MongoDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.mongo.StoreOutages;
import org.kowalski.common.sky.SkyQuery;
import org.kowalski.common.sky.SkyQueryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Cross-matches a new object's position against the catalogs of {@code database.xmatch.<SURVEY>}, the
 * value that brokers store as the aux document's {@code cross_matches}.
 *
 * <p>Plain catalogs return every document within their cone ({@code cone_search_radius} in
 * {@code cone_search_unit}, merged with {@code filter}, with {@code projection}), unsorted. Galaxy
 * catalogs ({@code use_distance: true}) take the documents within their coarse cone and keep those
 * that {@link GalaxyMatcher} matches. A catalog that fails (query error, invalid unit) is logged and
 * gets an empty list, and the others still run. A store outage fails the whole cross-match instead. A catalog whose collection does not exist has no
 * matches. Unlike the original, which read an unknown unit of a galaxy catalog as radians, every
 * catalog rejects units other than arcsec, arcmin, deg and rad.
 */
public final class CatalogCrossMatcher {

    private static final Logger log = LoggerFactory.getLogger(CatalogCrossMatcher.class);

    /** Catalogs queried at the same time for one position. */
    private static final int CONCURRENT_CATALOGS = 4;

    private final MongoDatabase database;
    private final SkyQuery skyQuery;
    private final Map<String, LinkedHashMap<String, KowalskiConfig.XmatchCatalog>> catalogsBySurvey;

    public CatalogCrossMatcher(MongoDatabase database, SkyQuery skyQuery, KowalskiConfig config) {
        this.database = database;
        this.skyQuery = skyQuery;
        this.catalogsBySurvey = config.database().xmatch();
    }

    /**
     * Returns the matches of every catalog configured for a survey, keyed by catalog name in
     * configuration order. Every catalog has a key, with an empty list when nothing matches. A survey
     * without {@code database.xmatch} entries, such as TURBO by default, gives an empty document.
     *
     * @param survey the survey key of {@code database.xmatch}, such as {@code ZTF}
     * @param objectId the object's id, for log lines
     * @param raDeg right ascension of the object in degrees
     * @param decDeg declination of the object in degrees
     */
    public Mono<Document> crossMatch(String survey, String objectId, double raDeg, double decDeg) {
        Map<String, KowalskiConfig.XmatchCatalog> catalogs =
                catalogsBySurvey.getOrDefault(survey, new LinkedHashMap<>());
        return Flux.fromIterable(catalogs.entrySet())
                .flatMapSequential(
                        entry -> matchCatalog(survey, objectId, entry.getKey(), entry.getValue(), raDeg, decDeg)
                                .map(matches -> Map.entry(entry.getKey(), matches)),
                        CONCURRENT_CATALOGS)
                .collect(Document::new, (result, entry) -> result.put(entry.getKey(), entry.getValue()));
    }

    /**
     * Returns one catalog's matches, or an empty list, logged, when the catalog fails. A store outage is
     * passed on instead, so that the broker retries the alert later rather than store no matches.
     */
    Mono<List<Document>> matchCatalog(
            String survey,
            String objectId,
            String catalogName,
            KowalskiConfig.XmatchCatalog catalog,
            double raDeg,
            double decDeg) {
        return Mono.defer(() -> catalog.isDistanceBased()
                        ? galaxyMatches(catalogName, catalog, raDeg, decDeg)
                        : coneMatches(catalogName, catalog, raDeg, decDeg))
                .onErrorResume(error -> !StoreOutages.isOutage(error), error -> {
                    log.warn(
                            "{} {}: cross-match with {} failed, stored as no match: {}",
                            survey,
                            objectId,
                            catalogName,
                            error.toString());
                    return Mono.just(List.of());
                });
    }

    private Mono<List<Document>> coneMatches(
            String catalogName, KowalskiConfig.XmatchCatalog catalog, double raDeg, double decDeg) {
        return cone(catalogName, catalog, raDeg, decDeg).collectList();
    }

    private Mono<List<Document>> galaxyMatches(
            String catalogName, KowalskiConfig.XmatchCatalog catalog, double raDeg, double decDeg) {
        return cone(catalogName, catalog, raDeg, decDeg)
                .collectList()
                .map(candidates -> GalaxyMatcher.match(raDeg, decDeg, candidates, catalog, catalogName));
    }

    private Flux<Document> cone(String catalogName, KowalskiConfig.XmatchCatalog catalog, double raDeg, double decDeg) {
        if (catalog.coneSearchRadius() == null) {
            return Flux.error(new IllegalArgumentException(
                    "cone_search_radius of " + catalogName + " is missing: set it in database.xmatch"));
        }
        SkyQueryOptions options =
                SkyQueryOptions.of(BsonMaps.toDocument(catalog.filter()), BsonMaps.toDocument(catalog.projection()));
        return skyQuery.cone(
                database.getCollection(catalogName),
                raDeg,
                decDeg,
                catalog.coneSearchRadius(),
                catalog.coneSearchUnit(),
                options);
    }
}
