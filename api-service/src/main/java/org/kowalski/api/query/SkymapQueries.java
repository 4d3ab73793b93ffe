package org.kowalski.api.query;

import com.mongodb.client.model.Projections;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.bson.Document;
import org.kowalski.api.web.ApiException;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.query.ForbiddenPipelineException;
import org.kowalski.common.query.PipelineGuard;
import org.kowalski.common.sky.SkyQueryOptions;
import org.kowalski.common.sky.SkyRegionQuery;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The {@code skymap} query type: finds the documents of a catalog inside a credible-region contour of
 * a stored skymap. {@code query.skymap} names the skymap ({@code localization_name} and at least one of
 * {@code dateobs}, {@code trigger_id}, {@code aliases}) and the level ({@code contour}, default 90); the
 * contour is the MultiPolygon stored under {@code contours.contour<level>}, where the level is printed
 * as Python does ({@code 90} gives {@code contour90}, {@code 90.0} gives {@code contour90.0}).
 *
 * <p>Unlike the original, {@code trigger_id} is matched against the stored field {@code triggerid},
 * and the catalog's kwargs apply to the catalog search only, not to the skymap look-up. The search
 * inside the contour runs through the shared {@link SkyRegionQuery}: MongoDB's {@code $geoWithin}, or
 * an exact spherical-polygon test on the embedded store.
 */
@Component
class SkymapQueries {

    private static final Pattern DATEOBS = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?");

    private final MongoDatabase database;
    private final String skymapsCollection;
    private final SkyRegionQuery regionQuery;

    SkymapQueries(MongoDatabase database, KowalskiConfig config) {
        this.database = database;
        this.skymapsCollection = config.collection("skymaps");
        this.regionQuery = SkyRegionQuery.forConfig(config);
    }

    /** Runs a {@code skymap} query with the cursor options of {@code find}. */
    Mono<List<Document>> run(QueryRequest request, PipelineGuard guard, FindOptions options) {
        Document query = request.query();
        Object skymapValue = query.get("skymap");
        if (!(skymapValue instanceof Document skymap)) {
            throw ApiException.badRequest("ValidationError: query.skymap must be an object {\"localization_name\":"
                    + " ..., \"dateobs\": ..., \"contour\": 90}, got " + QueryArguments.describe(skymapValue));
        }
        Document lookup = skymapLookup(skymap);
        Object level = skymap.getOrDefault("contour", 90);
        String contourKey = "contour" + PythonRepr.str(level);

        String catalog = QueryArguments.catalog(query);
        Document filter = QueryArguments.filter(query.get("filter"), "query.filter");
        Document projection = QueryArguments.projection(query.get("projection"), "query.projection");
        check(guard, filter, "query.filter");
        check(guard, projection, "query.projection");

        return Mono.from(database.getCollection(skymapsCollection)
                        .find(lookup)
                        .projection(Projections.include("contours"))
                        .maxTime(request.maxTimeMs(), TimeUnit.MILLISECONDS)
                        .first())
                .switchIfEmpty(Mono.error(() -> ApiException.badRequest("ValueError: Skymap not found; store it with"
                        + " PUT /api/skymap or check localization_name and dateobs")))
                .flatMap(stored -> {
                    Object contour = stored.get("contours", new Document()).get(contourKey);
                    if (!(contour instanceof Document geometry)) {
                        return Mono.error(ApiException.badRequest(
                                "ValueError: Contour level " + PythonRepr.str(level) + " not found in skymap"));
                    }
                    return findInside(catalog, filter, projection, geometry, options);
                });
    }

    private Mono<List<Document>> findInside(
            String catalog, Document filter, Document projection, Document contour, FindOptions options) {
        Document multiPolygon = new Document("type", "MultiPolygon").append("coordinates", contour.get("coordinates"));
        SkyQueryOptions regionOptions = SkyQueryOptions.of(filter, projection)
                .withSort(options.sort())
                .withSkip(options.skip())
                .withLimit(options.limit())
                .withHint(options.hint())
                .withMaxTimeMs(options.maxTimeMs())
                .withComment(options.comment());
        return regionQuery
                .within(database.getCollection(catalog), multiPolygon, regionOptions)
                .collectList();
    }

    /** Returns the look-up filter {$or: [dateobs?, triggerid?, aliases?], localization_name}. */
    static Document skymapLookup(Document skymap) {
        Object name = skymap.get("localization_name");
        if (name == null || "".equals(name)) {
            throw ApiException.badRequest("ValidationError: name must be specified: query.skymap.localization_name"
                    + " is missing, for example \"90.00000_30.00000_10.00000\"");
        }
        List<Document> alternatives = new ArrayList<>();
        Object dateobs = skymap.get("dateobs");
        if (dateobs != null) {
            alternatives.add(new Document("dateobs", dateobs instanceof String text ? parseDateobs(text) : dateobs));
        }
        Object triggerId = skymap.get("trigger_id");
        if (triggerId != null) {
            alternatives.add(new Document("triggerid", triggerId));
        }
        Object aliases = skymap.get("aliases");
        if (aliases != null) {
            alternatives.add(new Document(
                    "aliases", new Document("$in", aliases instanceof List<?> ? aliases : List.of(aliases))));
        }
        if (alternatives.isEmpty()) {
            throw ApiException.badRequest("ValidationError: At least one of dateobs, trigger_id, aliases must be"
                    + " specified in query.skymap");
        }
        return new Document("$or", alternatives).append("localization_name", name);
    }

    /**
     * Parses {@code YYYY-MM-DDTHH:MM:SS[.ffffff]} as UTC, truncated to milliseconds as BSON stores dates.
     *
     * @throws ApiException 400 for any other form
     */
    static Date parseDateobs(String text) {
        if (DATEOBS.matcher(text).matches()) {
            try {
                LocalDateTime time = LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
                return Date.from(time.toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e) {
                // Reported below with the expected format.
            }
        }
        throw ApiException.badRequest("ValidationError: dateobs must be in format YYYY-MM-DDTHH:MM:SS[.SSS], got '"
                + text + "' (UTC, no time zone)");
    }

    private static void check(PipelineGuard guard, Document value, String where) {
        if (value == null) {
            return;
        }
        try {
            guard.checkExpression(value, where);
        } catch (ForbiddenPipelineException e) {
            throw QueryService.rejectPipeline(e);
        }
    }
}
