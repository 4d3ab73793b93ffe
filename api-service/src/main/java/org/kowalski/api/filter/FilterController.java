package org.kowalski.api.filter;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.kowalski.api.auth.AccessControl;
import org.kowalski.api.web.ApiException;
import org.kowalski.api.web.Reply;
import org.kowalski.api.web.RequestJson;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The admin routes of user filters, stored in the {@code filters} collection that the brokers load:
 * create a filter or a new version of its pipeline, read, modify and delete a filter, and run a saved
 * version over stored alerts. Pipelines are checked together with the survey's upstream stages on the
 * latest alert before they are saved.
 */
@RestController
class FilterController {

    private static final Logger log = LoggerFactory.getLogger(FilterController.class);
    private static final String FID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoCollection<Document> filters;
    private final FilterPipelineRunner runner;
    private final AccessControl accessControl;

    FilterController(
            MongoDatabase database, KowalskiConfig config, FilterPipelineRunner runner, AccessControl accessControl) {
        this.filters = database.getCollection(config.collection("filters"));
        this.runner = runner;
        this.accessControl = accessControl;
    }

    /**
     * Creates a filter, or adds a version to the filter with the same {@code filter_id} and
     * {@code group_id}. Posting the pipeline of the filter's latest version again saves no new version, so
     * a retried request is harmless. For an existing filter only the pipeline is taken from the request, as
     * in the original: autosave, auto_followup and the other settings change through PATCH.
     */
    @PostMapping(path = "/api/filters", produces = "application/json")
    Mono<Reply> post(@RequestBody(required = false) String body, ServerWebExchange exchange) {
        String user = accessControl.requireAdmin(exchange);
        FilterRequests.NewFilter request = FilterRequests.parseNewFilter(RequestJson.parseObject(body));
        if (!request.autoFollowup().isEmpty()) {
            requireAutosaveForFollowup(request.autosave());
        }
        String pipelineText = FilterRequests.pipelineText(request.pipeline(), "pipeline");
        List<Document> userStages = runner.checkUserStages(pipelineText, "pipeline");

        return Mono.from(filters.find(Filters.and(
                                Filters.eq("filter_id", request.filterId()), Filters.eq("group_id", request.groupId())))
                        .first())
                .map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(existing -> runner.testOnLatestAlert(request.catalog(), request.permissions(), userStages)
                        .onErrorMap(
                                FilterPipelineRunner.PipelineTestException.class,
                                e -> ApiException.badRequest(e.getMessage()))
                        .flatMap(tested -> {
                            String testMessage = tested
                                    ? "pipeline test for filter id " + request.filterId() + " successful"
                                    : "WARNING: No documents in " + request.catalog()
                                            + " collection, cannot properly test pipeline for filter id "
                                            + request.filterId();
                            return checkedSettings(request, existing.orElse(null))
                                    .flatMap(settings -> save(
                                            request, existing.orElse(null), pipelineText, settings, testMessage, user));
                        }));
    }

    @GetMapping(path = "/api/filters/{filterId:[0-9]+}", produces = "application/json")
    Mono<Reply> get(@PathVariable String filterId, ServerWebExchange exchange) {
        accessControl.requireAdmin(exchange);
        return findFilter(filterId).map(filter -> Reply.success("Retrieved filter id " + filterId, filter));
    }

    @DeleteMapping(path = "/api/filters/{filterId:[0-9]+}", produces = "application/json")
    Mono<Reply> delete(@PathVariable String filterId, ServerWebExchange exchange) {
        String user = accessControl.requireAdmin(exchange);
        return Mono.from(filters.deleteOne(Filters.eq("filter_id", parseId(filterId))))
                .map(result -> {
                    if (result.getDeletedCount() == 0) {
                        throw ApiException.badRequest("Filter id " + filterId + " not found");
                    }
                    log.info("User {} removed filter {}", user, filterId);
                    return Reply.success("Removed filter id " + filterId);
                });
    }

    /**
     * Changes {@code active}, {@code active_fid}, {@code autosave}, {@code auto_followup} and
     * {@code update_annotations} of a filter; pipelines in autosave and auto_followup are tested first.
     */
    @PatchMapping(path = "/api/filters", produces = "application/json")
    Mono<Reply> patch(@RequestBody(required = false) String body, ServerWebExchange exchange) {
        String user = accessControl.requireAdmin(exchange);
        Document request = RequestJson.parseObject(body);
        Object filterId = request.get("filter_id");
        if (filterId == null) {
            throw ApiException.badRequest("ValidationError: 1 validation error for FilterUpdate\nfilter_id\n"
                    + "  field required (type=value_error.missing)");
        }
        return Mono.from(filters.find(Filters.eq("filter_id", filterId)).first())
                .switchIfEmpty(Mono.error(() -> ApiException.badRequest("Filter id " + filterId + " not found")))
                .flatMap(filter -> new FilterUpdate(filter, request, runner, filters).changes())
                .flatMap(changes -> Mono.from(filters.updateOne(
                                Filters.eq("_id", changes.getObjectId("_id")),
                                Updates.combine(changes.entrySet().stream()
                                        .filter(entry -> !entry.getKey().equals("_id"))
                                        .map(entry -> Updates.set(entry.getKey(), entry.getValue()))
                                        .toList())))
                        .then(Mono.from(filters.find(Filters.eq("_id", changes.getObjectId("_id")))
                                .first())))
                .doOnNext(updated -> log.info("User {} updated filter {}", user, filterId))
                .map(updated -> Reply.success("Updated filter id " + filterId, updated));
    }

    @PostMapping(path = "/api/filters/{filterId:[0-9]+}/test", produces = "application/json")
    Mono<Reply> test(
            @PathVariable String filterId, @RequestBody(required = false) String body, ServerWebExchange exchange) {
        accessControl.requireAdmin(exchange);
        FilterTestRequest request = FilterTestRequest.parse(RequestJson.parseObject(body));
        return findFilter(filterId).flatMap(filter -> {
            Document version = request.chooseVersion(filter, filterId);
            return runner.runRetrospectively(
                            filter.getString("catalog"),
                            permissions(filter),
                            version.getString("pipeline"),
                            request.objectIds(),
                            request.startJd(),
                            request.endJd(),
                            request.maxTimeMs())
                    .collectList()
                    .onErrorMap(
                            FilterPipelineRunner.PipelineTestException.class,
                            e -> ApiException.badRequest("failure: " + e.getMessage()))
                    .map(results -> Reply.success("filter test successful", results));
        });
    }

    private Mono<Document> findFilter(String filterId) {
        return Mono.from(
                        filters.find(Filters.eq("filter_id", parseId(filterId))).first())
                .switchIfEmpty(Mono.error(() -> ApiException.badRequest("Filter id " + filterId + " not found")));
    }

    private static Object parseId(String filterId) {
        long id = Long.parseLong(filterId);
        return id <= Integer.MAX_VALUE ? (Object) (int) id : (Object) id;
    }

    static List<Integer> permissions(Document filter) {
        List<Integer> permissions = new ArrayList<>();
        Object stored = filter.get("permissions");
        if (stored instanceof List<?> list) {
            list.forEach(item -> {
                Integer id = FilterRequests.toInt(item);
                if (id != null) {
                    permissions.add(id);
                }
            });
        }
        return permissions;
    }

    static void requireAutosaveForFollowup(Object autosave) {
        if (autosave instanceof Map<?, ?> map && !map.containsKey("active")) {
            throw ApiException.badRequest("Invalid autosave: the object has no key active;"
                    + " send {\"active\": true, ...} to enable autosave");
        }
        if (!FilterRequests.autosaveEnabled(autosave)) {
            throw ApiException.badRequest("Cannot setup auto_followup without autosave enabled");
        }
    }

    /**
     * Checks and tests the autosave and auto_followup objects of a POST. Their pipelines run on the latest
     * alert of the existing filter's catalog with its permissions, or of the request's for a new filter.
     */
    private Mono<Document> checkedSettings(FilterRequests.NewFilter request, Document existing) {
        String catalog = existing != null ? existing.getString("catalog") : request.catalog();
        List<Integer> permissions = existing != null ? permissions(existing) : request.permissions();
        Document settings =
                new Document("autosave", request.autosave()).append("auto_followup", request.autoFollowup());
        Mono<Void> checks = Mono.empty();
        if (request.autosave() instanceof Document autosave) {
            checks =
                    checks.then(checkSetting("autosave", autosave, FilterRequests.AUTOSAVE_KEYS, catalog, permissions));
        }
        if (!request.autoFollowup().isEmpty()) {
            Document followup = request.autoFollowup();
            checks = checks.then(new FilterPriorityCheck(filters)
                            .run(followup, null, "Cannot add new filter with auto_followup: existing"))
                    .then(checkSetting(
                            "auto_followup", followup, FilterRequests.AUTO_FOLLOWUP_KEYS, catalog, permissions));
        }
        return checks.thenReturn(settings);
    }

    /** Checks the keys of an autosave or auto_followup object and tests its pipeline, which it replaces by the stored text. */
    private Mono<Void> checkSetting(
            String field,
            Document setting,
            java.util.Set<String> allowedKeys,
            String catalog,
            List<Integer> permissions) {
        List<String> unknown = FilterRequests.unknownKeys(setting, allowedKeys);
        if (!unknown.isEmpty()) {
            return Mono.error(ApiException.badRequest("Cannot test " + field + " pipeline: invalid keys " + unknown
                    + "; allowed keys are " + new java.util.TreeSet<>(allowedKeys)));
        }
        if (!setting.containsKey("pipeline")) {
            if (field.equals("auto_followup")) {
                return Mono.error(ApiException.badRequest("Cannot test auto_followup pipeline: no pipeline specified"));
            }
            return Mono.empty();
        }
        String text = FilterRequests.pipelineText(setting.get("pipeline"), field + ".pipeline");
        List<Document> stages = runner.checkUserStages(text, field + ".pipeline");
        return runner.testOnLatestAlert(catalog, permissions, stages)
                .onErrorMap(
                        FilterPipelineRunner.PipelineTestException.class,
                        e -> ApiException.badRequest("Cannot test " + field + " pipeline: " + e.getMessage()))
                .flatMap(tested -> {
                    if (!tested) {
                        return Mono.error(ApiException.badRequest(
                                "Cannot test " + field + " pipeline: no documents in " + catalog + " collection"));
                    }
                    setting.put("pipeline", text);
                    return Mono.empty();
                });
    }

    private Mono<Reply> save(
            FilterRequests.NewFilter request,
            Document existing,
            String pipelineText,
            Document settings,
            String testMessage,
            String user) {
        Date now = new Date();
        if (existing != null) {
            List<Document> versions = existing.getList("fv", Document.class, List.of());
            if (!versions.isEmpty()
                    && pipelineText.equals(versions.get(versions.size() - 1).getString("pipeline"))) {
                // A repeated request: keep the latest version, and make it active again if it was switched.
                Document latest = versions.get(versions.size() - 1);
                return Mono.from(filters.updateOne(
                                Filters.eq("_id", existing.getObjectId("_id")),
                                Updates.set("active_fid", latest.getString("fid"))))
                        .thenReturn(Reply.success(
                                testMessage + "\nfilter version " + latest.getString("fid")
                                        + " already has this pipeline; no new version saved",
                                latest));
            }
            Document version = newVersion(pipelineText, now);
            return Mono.from(filters.updateOne(
                            Filters.eq("_id", existing.getObjectId("_id")),
                            Updates.combine(
                                    Updates.push("fv", version),
                                    Updates.set("active_fid", version.getString("fid")),
                                    Updates.set("last_modified", now))))
                    .doOnNext(result -> log.info(
                            "User {} saved version {} of filter {} (group {})",
                            user,
                            version.getString("fid"),
                            request.filterId(),
                            request.groupId()))
                    .thenReturn(Reply.success(
                            testMessage + "\nsaved new filter version: " + version.getString("fid"), version));
        }
        Document version = newVersion(pipelineText, now);
        Document filter = new Document("filter_id", request.filterId())
                .append("group_id", request.groupId())
                .append("catalog", request.catalog())
                .append("permissions", request.permissions())
                .append("active", request.active())
                .append("autosave", settings.get("autosave"))
                .append("auto_followup", settings.get("auto_followup"))
                .append("update_annotations", request.updateAnnotations())
                .append("active_fid", version.getString("fid"))
                .append("fv", List.of(version))
                .append("created_at", now)
                .append("last_modified", now);
        return Mono.from(filters.insertOne(filter))
                .doOnNext(result -> log.info(
                        "User {} created filter {} (group {}, catalog {}) with version {}",
                        user,
                        request.filterId(),
                        request.groupId(),
                        request.catalog(),
                        version.getString("fid")))
                .thenReturn(Reply.success(
                        testMessage + "\nsaved new filter version: " + version.getString("fid"), version));
    }

    private static Document newVersion(String pipelineText, Date now) {
        StringBuilder fid = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            fid.append(FID_ALPHABET.charAt(RANDOM.nextInt(FID_ALPHABET.length())));
        }
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("fid", fid.toString());
        version.put("pipeline", pipelineText);
        version.put("created_at", now);
        return new Document(version);
    }
}
