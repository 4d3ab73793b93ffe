package org.kowalski.api.skymap;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.kowalski.api.web.ApiException;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Stores skymaps with their credible-region contours in the {@code skymaps} collection, in the shape the
 * query API's {@code skymap} query reads: {@code contours.contour<L>} is a GeoJSON MultiPolygon with
 * coordinates {@code [ra - 180, dec]} in degrees, like the alerts' {@code coordinates.radec_geojson}.
 */
@Service
class SkymapService {

    private static final Logger log = LoggerFactory.getLogger(SkymapService.class);

    private final MongoCollection<Document> skymaps;

    SkymapService(MongoDatabase database, KowalskiConfig config) {
        this.skymaps = database.getCollection(config.collection("skymaps"));
    }

    /** The fields of a skymap upload after validation. */
    record Upload(
            LocalDateTime dateobs,
            Object triggerId,
            List<String> aliases,
            Localization localization,
            List<Number> levels,
            String user) {}

    /** The outcome of an upload: the reply status, message and data. */
    record Outcome(HttpStatus httpStatus, String status, String message, Map<String, Object> data) {}

    /**
     * Adds a skymap, or the missing contour levels of an existing one with the same localization name
     * and the same dateobs, trigger id or aliases. Contours are computed off the event loop.
     */
    Mono<Outcome> upload(Upload upload) {
        return Mono.from(skymaps.find(existingFilter(upload)).first())
                .flatMap(existing -> addLevels(upload, existing))
                .switchIfEmpty(Mono.defer(() -> insert(upload)));
    }

    private Mono<Outcome> addLevels(Upload upload, Document existing) {
        Document contours = existing.get("contours", Document.class);
        List<Number> existingLevels = new ArrayList<>();
        if (contours != null) {
            for (String key : contours.keySet()) {
                Number level = SkymapRequests.levelOfKey(key);
                if (level != null) {
                    existingLevels.add(level);
                }
            }
        }
        List<Number> missing = new ArrayList<>();
        for (Number level : upload.levels()) {
            if (!containsLevel(existingLevels, level)) {
                missing.add(level);
            }
        }
        LocalDateTime storedDateobs = toLocalDateTime(existing.getDate("dateobs"));
        String localizationName = existing.getString("localization_name");
        if (missing.isEmpty()) {
            return Mono.just(new Outcome(
                    HttpStatus.CONFLICT,
                    "already_exists",
                    "skymap already exists with the same contours",
                    replyData(storedDateobs, localizationName, existingLevels)));
        }
        return computeContours(upload.localization(), missing).flatMap(added -> {
            Document merged = contours == null ? new Document() : new Document(contours);
            merged.putAll(added);
            List<Number> allLevels = new ArrayList<>(existingLevels);
            allLevels.addAll(missing);
            return Mono.from(skymaps.updateOne(Filters.eq("_id", existing.get("_id")), Updates.set("contours", merged)))
                    .doOnNext(result ->
                            log.info("Added contours {} to skymap {} at {}", missing, localizationName, storedDateobs))
                    .thenReturn(new Outcome(
                            HttpStatus.OK,
                            "success",
                            "updated skymap for " + SkymapRequests.pythonStr(storedDateobs) + " to add contours "
                                    + SkymapRequests.levelsText(missing),
                            replyData(storedDateobs, localizationName, allLevels)));
        });
    }

    private Mono<Outcome> insert(Upload upload) {
        Localization localization = upload.localization();
        return computeContours(localization, upload.levels()).flatMap(contours -> {
            Document document = new Document("dateobs", toDate(upload.dateobs()))
                    .append("aliases", upload.aliases())
                    .append("localization_name", localization.name());
            if (upload.triggerId() != null && !"".equals(upload.triggerId())) {
                document.append("triggerid", upload.triggerId());
            }
            document.append("contours", contours).append("created_by", upload.user());
            return Mono.from(skymaps.insertOne(document))
                    .doOnNext(result -> log.info(
                            "Added skymap {} at {} with contours {} for user {}",
                            localization.name(),
                            upload.dateobs(),
                            upload.levels(),
                            upload.user()))
                    .thenReturn(new Outcome(
                            HttpStatus.OK,
                            "success",
                            "added skymap for " + SkymapRequests.pythonStr(upload.dateobs()) + " with contours "
                                    + SkymapRequests.levelsText(upload.levels()),
                            replyData(upload.dateobs(), localization.name(), upload.levels())))
                    .onErrorResume(MongoWriteException.class, e -> duplicate(e, upload));
        });
    }

    /** Returns the conflict outcome for a concurrent upload of the same skymap, which the unique index on (dateobs, name) rejects. */
    private Mono<Outcome> duplicate(MongoWriteException error, Upload upload) {
        if (error.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
            return Mono.error(error);
        }
        log.info(
                "Skymap {} at {} was stored by a concurrent request",
                upload.localization().name(),
                upload.dateobs());
        return Mono.just(new Outcome(
                HttpStatus.CONFLICT,
                "already_exists",
                "skymap already exists with the same contours",
                replyData(upload.dateobs(), upload.localization().name(), upload.levels())));
    }

    /** Computes the center and the contour of each level on a worker thread. */
    private static Mono<Document> computeContours(Localization localization, List<Number> levels) {
        return Mono.fromCallable(() -> contoursDocument(localization, levels))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(IllegalArgumentException.class, e -> ApiException.badRequest(e.getMessage()));
    }

    static Document contoursDocument(Localization localization, List<Number> levels) {
        CredibleContours grid = CredibleContours.of(localization);
        double[] maximum = localization.maximumRaDec();
        Document contours = new Document(
                "center",
                new Document("type", "Point")
                        .append("coordinates", List.of(maximum[0] - 180, maximum[1]))
                        .append("properties", new Document("credible_level", 0)));
        for (Number level : levels) {
            List<List<List<List<Double>>>> coordinates = new ArrayList<>();
            for (List<List<double[]>> polygon : grid.polygons(level.doubleValue())) {
                List<List<List<Double>>> rings = new ArrayList<>();
                for (List<double[]> ring : polygon) {
                    List<List<Double>> points = new ArrayList<>(ring.size());
                    for (double[] vertex : ring) {
                        points.add(List.of(vertex[0] - 180, vertex[1]));
                    }
                    rings.add(points);
                }
                coordinates.add(rings);
            }
            if (coordinates.isEmpty()) {
                throw new IllegalArgumentException("Could not generate contours from skymap " + localization.name()
                        + " at level " + SkymapRequests.levelText(level)
                        + ": the region is smaller than the grid step; send a larger localization");
            }
            contours.append(
                    SkymapRequests.contourKey(level),
                    new Document("type", "MultiPolygon")
                            .append("properties", new Document("credible_level", level))
                            .append("coordinates", coordinates));
        }
        return contours;
    }

    /**
     * Returns the first skymap that matches a look-up.
     *
     * @param filter the look-up fields
     */
    Mono<Document> find(Bson filter) {
        return Mono.from(skymaps.find(filter).projection(new Document("_id", 0)).first());
    }

    /** Deletes the first skymap that matches a look-up and returns how many were deleted. */
    Mono<Long> deleteOne(Bson filter) {
        return Mono.from(skymaps.deleteOne(filter)).map(result -> result.getDeletedCount());
    }

    private static Bson existingFilter(Upload upload) {
        List<Bson> alternatives = new ArrayList<>();
        alternatives.add(Filters.eq("dateobs", toDate(upload.dateobs())));
        if (upload.triggerId() != null && !"".equals(upload.triggerId())) {
            alternatives.add(Filters.eq("triggerid", upload.triggerId()));
        }
        if (!upload.aliases().isEmpty()) {
            alternatives.add(Filters.and(
                    Filters.all("aliases", upload.aliases()),
                    Filters.size("aliases", upload.aliases().size())));
        }
        return Filters.and(
                Filters.or(alternatives),
                Filters.eq("localization_name", upload.localization().name()));
    }

    private static boolean containsLevel(List<Number> levels, Number level) {
        for (Number existing : levels) {
            if (SkymapRequests.levelText(existing).equals(SkymapRequests.levelText(level))) {
                return true;
            }
        }
        return false;
    }

    static Map<String, Object> replyData(LocalDateTime dateobs, String localizationName, List<Number> levels) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dateobs", SkymapRequests.isoformat(dateobs));
        data.put("localization_name", localizationName);
        data.put("contours", levels);
        return data;
    }

    static Date toDate(LocalDateTime time) {
        return Date.from(time.toInstant(ZoneOffset.UTC));
    }

    static LocalDateTime toLocalDateTime(Date date) {
        return LocalDateTime.ofInstant(date.toInstant(), ZoneOffset.UTC);
    }
}
