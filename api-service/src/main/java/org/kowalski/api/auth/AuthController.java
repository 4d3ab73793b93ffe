package org.kowalski.api.auth;

import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.kowalski.api.web.ApiException;
import org.kowalski.api.web.PythonTypes;
import org.kowalski.api.web.Reply;
import org.kowalski.api.web.RequestJson;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code POST /api/auth}: exchanges a user name and password for a token. */
@RestController
@Tag(name = "auth", description = "Tokens and users")
class AuthController {

    private static final Logger log = LoggerFactory.getLogger(AuthController.class);

    /** The body key in which penquins sends its version. */
    static final String PENQUINS_VERSION_KEY = "penquins.__version__";

    private final MongoCollection<Document> users;
    private final JwtService jwtService;
    private final List<String> supportedPenquinsVersions;

    AuthController(MongoDatabase database, KowalskiConfig config, JwtService jwtService) {
        this.users = database.getCollection(config.collection("users"));
        this.jwtService = jwtService;
        List<String> versions = config.misc().supportedPenquinsVersions();
        this.supportedPenquinsVersions = versions == null ? List.of() : versions;
    }

    @Operation(
            summary = "Get a token",
            description = "Checks the user name and password and returns {\"status\": \"success\", \"token\":"
                    + " <HS256 JWT>} (no message). Send the token in the Authorization header, bare (as"
                    + " penquins does) or after 'Bearer'. When the body has the key 'penquins.__version__',"
                    + " the version must be one of misc.supported_penquins_versions (400 otherwise). Wrong"
                    + " credentials give 401 {\"status\": \"error\", \"message\": \"Unauthorized\"}.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            examples =
                                                    @ExampleObject(
                                                            value = "{\"username\": \"admin\", \"password\":"
                                                                    + " \"admin\", \"penquins.__version__\":"
                                                                    + " \"2.4.2\"}"))))
    @PostMapping(path = "/api/auth", produces = "application/json")
    Mono<Reply> authenticate(ServerWebExchange exchange) {
        return RequestJson.readObject(exchange).flatMap(this::authenticate);
    }

    private Mono<Reply> authenticate(Document request) {
        String username = requiredString(request, "username");
        String password = requiredString(request, "password");
        checkPenquinsVersion(request);

        return Mono.from(users.find(Filters.eq("_id", username)).first())
                .publishOn(Schedulers.boundedElastic())
                .filter(user ->
                        user.get("password") instanceof String stored && PasswordHashes.matches(password, stored))
                .switchIfEmpty(Mono.defer(() -> {
                    log.info("Login failed for user '{}': unknown user or wrong password", username);
                    return Mono.error(ApiException.unauthorized("Unauthorized"));
                }))
                .map(user -> {
                    Map<String, Object> reply = new LinkedHashMap<>();
                    reply.put("status", "success");
                    reply.put("token", jwtService.issue(username));
                    return Reply.of(reply);
                });
    }

    private static String requiredString(Document request, String key) {
        Object value = request.get(key);
        if (value == null || "".equals(value)) {
            throw ApiException.badRequest("missing " + key);
        }
        if (!(value instanceof String text)) {
            throw ApiException.badRequest("invalid " + key + ": expected a string, got the JSON "
                    + PythonTypes.jsonTypeName(value) + " " + value);
        }
        return text;
    }

    private void checkPenquinsVersion(Document request) {
        if (!request.containsKey(PENQUINS_VERSION_KEY)) {
            return;
        }
        Object version = request.get(PENQUINS_VERSION_KEY);
        if (!(version instanceof String text) || !supportedPenquinsVersions.contains(text)) {
            throw ApiException.badRequest("unsupported version of penquins: " + version
                    + "; this server supports " + String.join(", ", supportedPenquinsVersions)
                    + " (misc.supported_penquins_versions), so install one of them");
        }
    }
}
