package org.kowalski.api.filter;

import com.mongodb.reactivestreams.client.MongoCollection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.kowalski.api.web.ApiException;
import reactor.core.publisher.Mono;

/**
 * Applies a {@code PATCH /api/filters} request to a stored filter: the fields {@code active},
 * {@code active_fid}, {@code autosave}, {@code auto_followup} and {@code update_annotations}, in that
 * order, each when present and not null. Pipelines of autosave and auto_followup objects are checked and
 * tested on the latest alert of the filter's catalog before they are stored as text.
 */
final class FilterUpdate {

    private final Document filter;
    private final Document request;
    private final FilterPipelineRunner runner;
    private final MongoCollection<Document> filters;
    private final Object filterId;

    FilterUpdate(Document filter, Document request, FilterPipelineRunner runner, MongoCollection<Document> filters) {
        this.filter = new Document(filter);
        this.request = request;
        this.runner = runner;
        this.filters = filters;
        this.filterId = filter.get("filter_id");
    }

    /** Returns the filter with the changes applied, or an {@link ApiException} signal for an invalid change. */
    Mono<Document> changes() {
        if (request.get("active") != null) {
            filter.put("active", flag("active"));
        }
        if (request.get("active_fid") != null) {
            filter.put("active_fid", activeFid(request.get("active_fid")));
        }
        Mono<Void> steps = Mono.empty();
        if (request.get("autosave") != null) {
            steps = steps.then(Mono.defer(this::autosave));
        }
        if (request.get("auto_followup") != null) {
            steps = steps.then(Mono.defer(this::autoFollowup));
        }
        if (request.get("update_annotations") != null) {
            filter.put("update_annotations", flag("update_annotations"));
        }
        filter.put("last_modified", new Date());
        return steps.thenReturn(filter);
    }

    private boolean flag(String field) {
        Boolean value = FilterRequests.toBoolean(request.get(field));
        if (value == null) {
            throw ApiException.badRequest("Invalid " + field + " " + request.get(field) + " for filter id " + filterId
                    + ": send true or false");
        }
        return value;
    }

    private String activeFid(Object fid) {
        for (Document version : filter.getList("fv", Document.class, List.of())) {
            if (version.get("fid").equals(fid)) {
                return (String) fid;
            }
        }
        throw ApiException.badRequest(
                "ValueError: Cannot set active_fid to " + fid + ": filter version fid not in filter.fv");
    }

    private Mono<Void> autosave() {
        Object value = request.get("autosave");
        if (!(value instanceof Map<?, ?>)) {
            filter.put("autosave", flag("autosave"));
            return Mono.empty();
        }
        Document autosave = new Document(toStringKeys(value));
        return checked("autosave", autosave, FilterRequests.AUTOSAVE_KEYS)
                .doOnSuccess(ignored -> filter.put("autosave", autosave));
    }

    private Mono<Void> autoFollowup() {
        Object value = request.get("auto_followup");
        if (!(value instanceof Map<?, ?>)) {
            return Mono.error(ApiException.badRequest("Cannot update filter id " + filterId
                    + ": auto_followup must be an"
                    + " object such as {\"active\": true, \"allocation_id\": 1, \"pipeline\": [...]}, not " + value));
        }
        Document followup = new Document(toStringKeys(value));
        List<String> unknown = FilterRequests.unknownKeys(followup, FilterRequests.AUTO_FOLLOWUP_KEYS);
        if (!unknown.isEmpty()) {
            return Mono.error(invalidKeys("auto_followup", unknown, FilterRequests.AUTO_FOLLOWUP_KEYS));
        }
        FilterPriorityCheck check = new FilterPriorityCheck(filters);
        return check.run(
                        followup, filter.getObjectId("_id"), "Cannot update filter id " + filterId + ": auto_followup,")
                .then(checked("auto_followup", followup, FilterRequests.AUTO_FOLLOWUP_KEYS))
                .doOnSuccess(ignored -> filter.put("auto_followup", followup));
    }

    /** Checks an object's keys and, when it has a pipeline, tests it and stores it as text. */
    private Mono<Void> checked(String field, Document setting, Set<String> allowedKeys) {
        List<String> unknown = FilterRequests.unknownKeys(setting, allowedKeys);
        if (!unknown.isEmpty()) {
            return Mono.error(invalidKeys(field, unknown, allowedKeys));
        }
        if (!setting.containsKey("pipeline")) {
            return Mono.empty();
        }
        String text = FilterRequests.pipelineText(setting.get("pipeline"), field + ".pipeline");
        List<Document> stages = runner.checkUserStages(text, field + ".pipeline");
        String catalog = filter.getString("catalog");
        return runner.testOnLatestAlert(catalog, FilterController.permissions(filter), stages)
                .onErrorMap(
                        FilterPipelineRunner.PipelineTestException.class,
                        e -> ApiException.badRequest("Cannot update filter id " + filterId + ": " + field
                                + " pipeline is invalid: " + e.getMessage()))
                .flatMap(tested -> {
                    if (!tested) {
                        return Mono.error(ApiException.badRequest(
                                "Cannot test " + field + " pipeline: no documents in " + catalog + " collection"));
                    }
                    setting.put("pipeline", text);
                    return Mono.empty();
                });
    }

    private ApiException invalidKeys(String field, List<String> unknown, Set<String> allowed) {
        return ApiException.badRequest("Cannot update filter id " + filterId + ": " + field + " contains invalid keys "
                + unknown + "; allowed keys are " + new java.util.TreeSet<>(allowed));
    }

    private static Map<String, Object> toStringKeys(Object value) {
        Document document = new Document();
        ((Map<?, ?>) value).forEach((key, item) -> document.put(String.valueOf(key), item));
        return document;
    }
}
