package org.kowalski.api.query;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.kowalski.api.web.ApiException;
import org.kowalski.common.query.ForbiddenPipelineException;
import org.kowalski.common.query.PipelineGuard;
import org.kowalski.common.sky.Coordinates;
import org.kowalski.common.sky.SkyQuery;
import org.kowalski.common.sky.SkyQueryOptions;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The positional query types {@code cone_search} and {@code near}. Both run one search per catalog and
 * object through the shared {@link SkyQuery} (MongoDB's geo operators, or the exact fallback on the
 * embedded store) and return {@code {catalog: {object name: [documents]}}} with every requested catalog
 * and object present, in request order.
 */
@Component
class SkyQueries {

    /** The angle units of radii and distances. */
    static final List<String> UNITS = List.of("arcsec", "arcmin", "deg", "rad");

    /** The default {@code max_distance} of {@code near}: one arcminute when the unit is left as {@code rad}. */
    static final double DEFAULT_NEAR_MAX_DISTANCE = Math.PI / 180.0 / 60.0;

    /** Searches run at once per catalog; results keep the request order. */
    private static final int CONCURRENCY = 4;

    private final MongoDatabase database;
    private final SkyQuery skyQuery;

    SkyQueries(MongoDatabase database, SkyQuery skyQuery) {
        this.database = database;
        this.skyQuery = skyQuery;
    }

    /** Runs a {@code cone_search}: {@code query.object_coordinates} {radec, cone_search_radius, cone_search_unit}. */
    Mono<Document> coneSearch(QueryRequest request, PipelineGuard guard) {
        Object coordinatesValue = request.query().get("object_coordinates");
        if (!(coordinatesValue instanceof Document coordinates)) {
            throw ApiException.badRequest("KeyError: 'object_coordinates': query.object_coordinates must be an object"
                    + " {\"radec\": ..., \"cone_search_radius\": 2, \"cone_search_unit\": \"arcsec\"}");
        }
        Object radiusValue = required(coordinates, "cone_search_radius");
        Object unit = required(coordinates, "cone_search_unit");
        double radius = QueryArguments.pythonFloat(radiusValue, "query.object_coordinates.cone_search_radius");
        double radiusRad = toRadians(radius, unit, "query.object_coordinates.cone_search_radius");
        Map<String, Object> objects = SkyPositions.parse(required(coordinates, "radec"));
        List<CatalogSearch> catalogs = catalogs(request, guard);

        return run(
                catalogs,
                objects,
                (catalog, position) -> skyQuery.cone(
                        catalog.collection(), position.raDeg(), position.decDeg(), radiusRad, catalog.options()));
    }

    /**
     * Runs a {@code near}: {@code query.radec}, {@code min_distance} (default 0), {@code max_distance}
     * (default π/10800) and {@code distance_units} (default {@code rad}, applied to both distances).
     */
    Mono<Document> near(QueryRequest request, PipelineGuard guard) {
        Document query = request.query();
        Object unit = query.getOrDefault("distance_units", "rad");
        double minDistance = QueryArguments.pythonFloat(query.getOrDefault("min_distance", 0), "query.min_distance");
        double maxDistance = QueryArguments.pythonFloat(
                query.getOrDefault("max_distance", DEFAULT_NEAR_MAX_DISTANCE), "query.max_distance");
        double minRad = toRadians(minDistance, unit, "query.min_distance");
        double maxRad = toRadians(maxDistance, unit, "query.max_distance");
        Map<String, Object> objects = SkyPositions.parse(required(query, "radec"));
        List<CatalogSearch> catalogs = catalogs(request, guard);

        return run(
                catalogs,
                objects,
                (catalog, position) -> skyQuery.near(
                        catalog.collection(), position.raDeg(), position.decDeg(), minRad, maxRad, catalog.options()));
    }

    private interface Search {
        Flux<Document> run(CatalogSearch catalog, SkyPositions.Position position);
    }

    /** One catalog of a request: the collection and the options that carry its filter and projection. */
    private record CatalogSearch(String name, MongoCollection<Document> collection, SkyQueryOptions options) {}

    private Mono<Document> run(List<CatalogSearch> catalogs, Map<String, Object> objects, Search search) {
        if (catalogs.isEmpty()) {
            return Mono.just(new Document());
        }
        // Positions are checked once, before any search, so a bad pair fails the request without partial work.
        List<Map.Entry<String, SkyPositions.Position>> positions = new ArrayList<>();
        objects.forEach((name, pair) -> positions.add(Map.entry(name, SkyPositions.toPosition(name, pair))));

        return Flux.fromIterable(catalogs)
                .concatMap(catalog -> Flux.fromIterable(positions)
                        .flatMapSequential(
                                entry -> search.run(catalog, entry.getValue())
                                        .collectList()
                                        .map(documents -> Map.entry(entry.getKey(), documents)),
                                CONCURRENCY)
                        .collect(Document::new, (byObject, match) -> byObject.put(match.getKey(), match.getValue()))
                        .map(byObject -> Map.entry(catalog.name(), byObject)))
                .collect(Document::new, (byCatalog, entry) -> byCatalog.put(entry.getKey(), entry.getValue()));
    }

    /** Reads {@code query.catalogs}: {catalog: {filter?, projection?}}, names without surrounding spaces. */
    private List<CatalogSearch> catalogs(QueryRequest request, PipelineGuard guard) {
        Object value = request.query().get("catalogs");
        if (!(value instanceof Document catalogs)) {
            throw ApiException.badRequest("ValidationError: query.catalogs must be an object {\"<catalog>\":"
                    + " {\"filter\": {}, \"projection\": {}}}, got " + QueryArguments.describe(value));
        }
        SkyQueryOptions base = baseOptions(request);
        List<CatalogSearch> searches = new ArrayList<>();
        for (Map.Entry<String, Object> entry : catalogs.entrySet()) {
            String name = entry.getKey().strip();
            String where = "query.catalogs." + name;
            Document spec;
            if (entry.getValue() == null) {
                spec = new Document();
            } else if (entry.getValue() instanceof Document document) {
                spec = document;
            } else {
                throw ApiException.badRequest("AttributeError: " + where + " must be an object {\"filter\": {},"
                        + " \"projection\": {}}, got " + QueryArguments.describe(entry.getValue()));
            }
            Document filter = spec.get("filter") == null
                    ? new Document()
                    : QueryArguments.filter(spec.get("filter"), where + ".filter");
            Document projection = QueryArguments.projection(spec.get("projection"), where + ".projection");
            check(guard, filter, where + ".filter");
            check(guard, projection, where + ".projection");
            searches.add(new CatalogSearch(
                    name, database.getCollection(name), base.withFilter(filter).withProjection(projection)));
        }
        // Later duplicates of a stripped name replace earlier ones, as dict keys do.
        return dedupe(searches);
    }

    private static List<CatalogSearch> dedupe(List<CatalogSearch> searches) {
        Map<String, CatalogSearch> byName = new java.util.LinkedHashMap<>();
        searches.forEach(search -> byName.put(search.name(), search));
        return new ArrayList<>(byName.values());
    }

    /** Returns the options every search of a request shares: kwargs skip, limit, sort, hint, time limit and comment. */
    private static SkyQueryOptions baseOptions(QueryRequest request) {
        Document kwargs = request.kwargs();
        Integer skip = QueryArguments.intOption(kwargs, "skip");
        if (skip != null && skip < 0) {
            throw ApiException.badRequest("ValueError: skip must be >= 0, got " + skip + " (kwargs.skip)");
        }
        Integer limit = QueryArguments.intOption(kwargs, "limit");
        Document sort =
                kwargs.get("sort") == null ? null : QueryArguments.keySpecification(kwargs.get("sort"), "kwargs.sort");
        Object hint = kwargs.get("hint");
        if (hint != null && !(hint instanceof String)) {
            hint = QueryArguments.keySpecification(hint, "kwargs.hint");
        }
        return SkyQueryOptions.DEFAULTS
                .withSkip(skip == null ? 0 : skip)
                .withLimit(limit == null ? 0 : limit)
                .withSort(sort)
                .withHint(hint)
                .withMaxTimeMs(request.maxTimeMs())
                .withComment(request.comment())
                .withFilterFirst(request.filterFirst());
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

    private static Object required(Document document, String key) {
        if (!document.containsKey(key)) {
            throw ApiException.badRequest("KeyError: '" + key + "': the query needs '" + key + "'");
        }
        return document.get(key);
    }

    /**
     * Converts an angle to radians after checking the unit and the sign.
     *
     * @throws ApiException 400 for an unknown unit or a negative or non-finite angle
     */
    static double toRadians(double value, Object unit, String where) {
        if (!(unit instanceof String name) || !UNITS.contains(name)) {
            throw ApiException.badRequest("Exception: Angular units not in ('arcsec', 'arcmin', 'deg', 'rad'): got "
                    + QueryArguments.describe(unit) + "; use one of them");
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw ApiException.badRequest(
                    "ValidationError: " + where + " is " + value + " " + name + "; use a finite angle of 0 or more");
        }
        return Coordinates.toRadians(value, name);
    }
}
