package org.kowalski.api.trigger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.kowalski.api.auth.AccessControl;
import org.kowalski.api.web.ApiException;
import org.kowalski.api.web.Reply;
import org.kowalski.api.web.RequestJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The admin routes that pass observation requests to the ZTF scheduler: {@code /api/triggers/ztf} for
 * queues of targets and {@code /api/triggers/ztfmma} for skymap-driven (multi-messenger) triggers. The
 * {@code .test} variants of each route validate the request and reply as the service would, without
 * sending anything.
 */
@RestController
class ZtfTriggerController {

    private static final Logger log = LoggerFactory.getLogger(ZtfTriggerController.class);

    /** One family of routes: its path, models, upstream path and the words of its messages. */
    private enum Family {
        ZTF(
                "ztf",
                "/queues",
                "queue_name",
                "queue",
                TriggerRequest.QUEUE_SUBMISSION,
                TriggerRequest.QUEUE_REMOVAL,
                TriggerRequest.QUEUE_QUERY,
                "ZTF trigger attempt rejected",
                "ZTF queue query attempt rejected",
                "ZTF queue delete attempt rejected"),
        ZTFMMA(
                "ztfmma",
                "/mma_skymaps",
                "trigger_name",
                "trigger",
                TriggerRequest.MMA_SUBMISSION,
                TriggerRequest.MMA_REMOVAL,
                TriggerRequest.MMA_QUERY,
                "ZTF MMA trigger submission attempt rejected",
                "ZTF MMA trigger status query attempt rejected",
                "ZTF MMA trigger delete attempt rejected");

        final String route;
        final String upstreamPath;
        final String nameField;
        final String noun;
        final TriggerRequest submission;
        final TriggerRequest removal;
        final TriggerRequest query;
        final String submitRejected;
        final String queryRejected;
        final String deleteRejected;

        Family(
                String route,
                String upstreamPath,
                String nameField,
                String noun,
                TriggerRequest submission,
                TriggerRequest removal,
                TriggerRequest query,
                String submitRejected,
                String queryRejected,
                String deleteRejected) {
            this.route = route;
            this.upstreamPath = upstreamPath;
            this.nameField = nameField;
            this.noun = noun;
            this.submission = submission;
            this.removal = removal;
            this.query = query;
            this.submitRejected = submitRejected;
            this.queryRejected = queryRejected;
            this.deleteRejected = deleteRejected;
        }
    }

    private final ZtfQueueClient queue;
    private final AccessControl accessControl;

    ZtfTriggerController(ZtfQueueClient queue, AccessControl accessControl) {
        this.queue = queue;
        this.accessControl = accessControl;
    }

    @PutMapping(path = "/api/triggers/{route:ztf|ztf\\.test|ztfmma|ztfmma\\.test}", produces = "application/json")
    Mono<ResponseEntity<Reply>> put(
            @PathVariable String route, @RequestBody(required = false) String body, ServerWebExchange exchange) {
        String user = accessControl.requireAdmin(exchange);
        Family family = family(route);
        Map<String, Object> request = family.submission.validate(RequestJson.parseObject(body));
        if (isTest(route)) {
            return Mono.just(ResponseEntity.ok(Reply.success("submitted")));
        }
        log.info("User {} submits ZTF {} {}", user, family.noun, request.get(family.nameField));
        return queue.send(HttpMethod.PUT, family.upstreamPath, request).map(response -> {
            if (response.status() == 201) {
                return ResponseEntity.ok(Reply.success("submitted", response.headers()));
            }
            if (response.status() == 200) {
                String name = response.headers()
                        .getOrDefault(family.nameField, String.valueOf(request.get(family.nameField)));
                return ResponseEntity.status(409)
                        .body(Reply.error("Submitted " + family.noun + " " + name + " already exists"));
            }
            throw rejected(family.submitRejected, response);
        });
    }

    @DeleteMapping(path = "/api/triggers/{route:ztf|ztf\\.test|ztfmma|ztfmma\\.test}", produces = "application/json")
    Mono<Reply> delete(
            @PathVariable String route, @RequestBody(required = false) String body, ServerWebExchange exchange) {
        String user = accessControl.requireAdmin(exchange);
        Family family = family(route);
        Map<String, Object> request = family.removal.validate(RequestJson.parseObject(body));
        if (isTest(route)) {
            return Mono.just(Reply.success("deleted"));
        }
        log.info("User {} deletes ZTF {} {}", user, family.noun, request.get(family.nameField));
        return queue.send(HttpMethod.DELETE, family.upstreamPath, request).map(response -> {
            if (response.status() == 200) {
                return Reply.success("deleted", response.headers());
            }
            throw rejected(family.deleteRejected, response);
        });
    }

    /**
     * Reads the queue or trigger status. The filter comes from a JSON body or, without one, from the
     * query parameters {@code queue_name} or {@code trigger_name} and {@code user}.
     */
    @GetMapping(path = "/api/triggers/{route:ztf|ztf\\.test|ztfmma|ztfmma\\.test}", produces = "application/json")
    Mono<Reply> get(
            @PathVariable String route,
            @RequestBody(required = false) String body,
            @RequestParam MultiValueMap<String, String> parameters,
            ServerWebExchange exchange) {
        accessControl.requireAdmin(exchange);
        Family family = family(route);
        Map<String, Object> filter = new LinkedHashMap<>();
        if (body != null && !body.isBlank()) {
            filter.putAll(RequestJson.parseObject(body));
        } else {
            for (String key : List.of(family.nameField, "user")) {
                if (parameters.getFirst(key) != null) {
                    filter.put(key, parameters.getFirst(key));
                }
            }
        }
        Map<String, Object> request = family.query.validate(filter);
        if (isTest(route)) {
            return Mono.just(Reply.success("submitted", List.of(new Document(family.nameField, "test"))));
        }
        return queue.send(HttpMethod.GET, family.upstreamPath, request).map(response -> {
            if (response.status() == 200) {
                return Reply.success("retrieved", parseJson(response.body()));
            }
            throw rejected(family.queryRejected, response);
        });
    }

    private static Family family(String route) {
        return route.startsWith("ztfmma") ? Family.ZTFMMA : Family.ZTF;
    }

    private static boolean isTest(String route) {
        return route.endsWith(".test");
    }

    private static ApiException rejected(String what, ZtfQueueClient.Response response) {
        log.warn("{}: HTTP {} {}", what, response.status(), response.body());
        return ApiException.badRequest(
                what + ": the queue service answered HTTP " + response.status() + ": " + response.body());
    }

    private static Object parseJson(String text) {
        try {
            return RequestJson.parse(text);
        } catch (ApiException e) {
            return text;
        }
    }
}
