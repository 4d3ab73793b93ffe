package org.kowalski.api.classification;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.kowalski.api.auth.AccessControl;
import org.kowalski.api.web.ApiException;
import org.kowalski.api.web.Reply;
import org.kowalski.api.web.RequestJson;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Human labels and ML scores of alerts, one document per alert in {@code <alerts>_classifications} with
 * {@code _id} = candid. Every route needs a token (the Python original had none). Each candid of a
 * request gets its own labels, where the original applied the last candid's to all.
 */
@RestController
class ClassificationController {

    private static final Logger log = LoggerFactory.getLogger(ClassificationController.class);

    private final MongoDatabase database;
    private final KowalskiConfig config;
    private final AccessControl accessControl;

    ClassificationController(MongoDatabase database, KowalskiConfig config, AccessControl accessControl) {
        this.database = database;
        this.config = config;
        this.accessControl = accessControl;
    }

    @PutMapping(path = "/api/classifications/{survey}", produces = "application/json")
    Mono<Reply> put(
            @PathVariable String survey, @RequestBody(required = false) String body, ServerWebExchange exchange) {
        String user = accessControl.requireUser(exchange);
        String name = Surveys.normalize(survey);
        MongoCollection<Document> alerts = database.getCollection(Surveys.alertsCollection(config, name));
        MongoCollection<Document> classifications =
                database.getCollection(Surveys.classificationsCollection(config, name));
        List<ClassificationRequests.Scores> requests =
                ClassificationRequests.parseScores(RequestJson.parseObject(body));
        List<Long> candids =
                requests.stream().map(ClassificationRequests.Scores::candid).toList();
        String objectIdField = Surveys.objectIdField(name);

        return objectIds(alerts, candids, objectIdField)
                .flatMap(objectIds -> {
                    requireAll(candids, objectIds.keySet(), "not all alerts found in " + name + " collection");
                    List<WriteModel<Document>> updates = new ArrayList<>();
                    for (ClassificationRequests.Scores request : requests) {
                        updates.add(new UpdateOneModel<>(
                                Filters.eq("_id", request.candid()),
                                setScores(request, objectIdField, objectIds.get(request.candid())),
                                new UpdateOptions().upsert(true)));
                    }
                    return Mono.from(classifications.bulkWrite(updates));
                })
                .doOnNext(result -> log.info("User {} set classifications of {} {} alerts", user, candids.size(), name))
                .thenReturn(Reply.success("added classifications for " + name + " alerts"));
    }

    @DeleteMapping(path = "/api/classifications/{survey}", produces = "application/json")
    Mono<Reply> delete(
            @PathVariable String survey, @RequestBody(required = false) String body, ServerWebExchange exchange) {
        String user = accessControl.requireUser(exchange);
        String name = Surveys.normalize(survey);
        MongoCollection<Document> classifications =
                database.getCollection(Surveys.classificationsCollection(config, name));
        List<ClassificationRequests.Removal> requests =
                ClassificationRequests.parseRemovals(RequestJson.parseObject(body));
        List<Long> candids =
                requests.stream().map(ClassificationRequests.Removal::candid).toList();

        return Flux.from(classifications.find(Filters.in("_id", candids)).projection(Projections.include("_id")))
                .map(document -> ((Number) document.get("_id")).longValue())
                .collectList()
                .flatMap(found -> {
                    requireAll(candids, found, "not all classifications found in " + name + " collection");
                    List<WriteModel<Document>> updates = new ArrayList<>();
                    for (ClassificationRequests.Removal request : requests) {
                        updates.add(new UpdateOneModel<>(Filters.eq("_id", request.candid()), unsetScores(request)));
                    }
                    return Mono.from(classifications.bulkWrite(updates));
                })
                .doOnNext(result ->
                        log.info("User {} removed classifications of {} {} alerts", user, candids.size(), name))
                .thenReturn(Reply.success("deleted classifications for " + name + " alerts"));
    }

    @GetMapping(path = "/api/classifications/{survey}/{candid}", produces = "application/json")
    Mono<Reply> get(@PathVariable String survey, @PathVariable String candid, ServerWebExchange exchange) {
        accessControl.requireUser(exchange);
        String name = Surveys.normalize(survey);
        long id = ClassificationRequests.parseCandid(candid);
        MongoCollection<Document> classifications =
                database.getCollection(Surveys.classificationsCollection(config, name));
        String objectIdField = Surveys.objectIdField(name);

        return Mono.from(classifications.find(Filters.eq("_id", id)).first())
                .switchIfEmpty(Mono.error(
                        () -> ApiException.notFound("classifications for " + name + " alert " + candid + " not found")))
                .map(document -> {
                    Document data = new Document();
                    data.put(objectIdField, document.get(objectIdField));
                    for (String kind : ClassificationRequests.KINDS) {
                        if (document.containsKey(kind)) {
                            data.put(kind, document.get(kind));
                        }
                    }
                    data.put("candid", document.get("_id"));
                    Map<String, Object> reply = new LinkedHashMap<>();
                    reply.put("status", "success");
                    reply.put("data", data);
                    return Reply.of(reply);
                });
    }

    /** Returns the object id of each alert found among the candids. */
    private static Mono<Map<Long, Object>> objectIds(
            MongoCollection<Document> alerts, List<Long> candids, String objectIdField) {
        return Flux.from(alerts.find(Filters.in("candid", candids))
                        .projection(Projections.fields(
                                Projections.include("candid", objectIdField), Projections.excludeId())))
                .collectMap(
                        document -> ((Number) document.get("candid")).longValue(),
                        document -> document.get(objectIdField))
                .map(HashMap::new);
    }

    private static void requireAll(List<Long> candids, Iterable<Long> found, String message) {
        Set<Long> missing = new TreeSet<>(candids);
        found.forEach(missing::remove);
        if (!missing.isEmpty()) {
            throw ApiException.badRequest(message + ": candids " + missing + " have none");
        }
    }

    private static Bson setScores(ClassificationRequests.Scores request, String objectIdField, Object objectId) {
        List<Bson> updates = new ArrayList<>();
        updates.add(Updates.set(objectIdField, objectId));
        for (String kind : ClassificationRequests.KINDS) {
            request.byKind(kind).forEach((label, value) -> updates.add(Updates.set(kind + "." + label, value)));
        }
        return Updates.combine(updates);
    }

    private static Bson unsetScores(ClassificationRequests.Removal request) {
        List<Bson> updates = new ArrayList<>();
        for (String kind : ClassificationRequests.KINDS) {
            request.byKind(kind).forEach(label -> updates.add(Updates.unset(kind + "." + label)));
        }
        return Updates.combine(updates);
    }
}
