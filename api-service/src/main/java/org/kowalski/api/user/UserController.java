package org.kowalski.api.user;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.kowalski.api.auth.AccessControl;
import org.kowalski.api.auth.PasswordHashes;
import org.kowalski.api.web.ApiException;
import org.kowalski.api.web.PythonTypes;
import org.kowalski.api.web.Reply;
import org.kowalski.api.web.RequestJson;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * User management for the admin: {@code POST /api/users}, {@code PUT /api/users/{username}} and
 * {@code DELETE /api/users/{username}}. Documents are {@code {_id: username, email, password: <hash>,
 * permissions, last_modified}} as in the Python original. Unlike the original, a password-only PUT
 * changes the user's password (the original silently changed nothing), and an existing user name gives
 * 409 instead of 500.
 */
@RestController
@Tag(name = "auth", description = "Tokens and users")
class UserController {

    private static final Logger log = LoggerFactory.getLogger(UserController.class);

    private final MongoCollection<Document> users;
    private final AccessControl accessControl;

    UserController(MongoDatabase database, KowalskiConfig config, AccessControl accessControl) {
        this.users = database.getCollection(config.collection("users"));
        this.accessControl = accessControl;
    }

    @Operation(
            summary = "Create a user (admin)",
            description = "Body {\"username\", \"password\", \"email\"?, \"permissions\"?}. Returns 'added user"
                    + " <username>'; 400 when username or password is missing, 409 when the user exists.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            examples =
                                                    @ExampleObject(
                                                            value = "{\"username\": \"alice\", \"password\":"
                                                                    + " \"s3cret\", \"email\":"
                                                                    + " \"alice@example.org\"}"))))
    @PostMapping(path = "/api/users", produces = "application/json")
    Mono<Reply> createUser(ServerWebExchange exchange) {
        accessControl.requireAdmin(exchange);
        return RequestJson.readObject(exchange).flatMap(this::createUser);
    }

    private Mono<Reply> createUser(Document request) {
        String username = optionalString(request, "username");
        String password = optionalString(request, "password");
        if (username == null || password == null) {
            throw ApiException.badRequest("username and password must be set");
        }
        Object permissions = request.containsKey("permissions") ? request.get("permissions") : new Document();

        return Mono.fromCallable(() -> PasswordHashes.hash(password))
                .subscribeOn(Schedulers.boundedElastic())
                .map(hash -> new Document("_id", username)
                        .append("email", request.get("email"))
                        .append("password", hash)
                        .append("permissions", permissions)
                        .append("last_modified", new Date()))
                .flatMap(user -> Mono.from(users.insertOne(user)))
                .onErrorMap(UserController::isDuplicateKey, e -> userExists(username))
                .doOnSuccess(result -> log.info("Added user '{}'", username))
                .thenReturn(Reply.success("added user " + username));
    }

    @Operation(
            summary = "Edit a user (admin)",
            description = "Body {\"username\"?: new name, \"password\"?: new password, \"email\"?,"
                    + " \"permissions\"?}. Renames the user when 'username' differs, then sets the other"
                    + " fields on the (renamed) user. The admin user cannot be renamed. Returns 'edited user"
                    + " <username>'.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            examples = @ExampleObject(value = "{\"password\": \"n3w-s3cret\"}"))))
    @PutMapping(path = "/api/users/{username}", produces = "application/json")
    Mono<Reply> editUser(ServerWebExchange exchange, @PathVariable("username") String username) {
        accessControl.requireAdmin(exchange);
        return RequestJson.readObject(exchange).flatMap(request -> editUser(username, request));
    }

    private Mono<Reply> editUser(String username, Document request) {
        String newName = optionalString(request, "username");
        String password = optionalString(request, "password");
        boolean rename = newName != null && !newName.equals(username);
        if (rename && accessControl.isAdmin(username)) {
            throw ApiException.badRequest("cannot rename the superuser!");
        }
        String target = rename ? newName : username;

        Mono<Void> renamed = rename ? rename(username, newName) : requireExists(username);
        return renamed.then(Mono.defer(() -> updateFields(target, request, password)))
                .doOnSuccess(ignored ->
                        log.info("Edited user '{}'{}", username, rename ? " (renamed to '" + newName + "')" : ""))
                .thenReturn(Reply.success("edited user " + username));
    }

    @Operation(
            summary = "Delete a user (admin)",
            description = "Returns 'removed user <username>'; 400 for the admin user and for unknown users.")
    @DeleteMapping(path = "/api/users/{username}", produces = "application/json")
    Mono<Reply> deleteUser(ServerWebExchange exchange, @PathVariable("username") String username) {
        accessControl.requireAdmin(exchange);
        if (accessControl.isAdmin(username)) {
            throw ApiException.badRequest("cannot remove the superuser!");
        }
        return Mono.from(users.deleteOne(Filters.eq("_id", username)))
                .flatMap(result -> result.getDeletedCount() == 0
                        ? Mono.error(userNotFound(username))
                        : Mono.just(Reply.success("removed user " + username)))
                .doOnSuccess(reply -> log.info("Removed user '{}'", username));
    }

    /** Copies the user to the new name, then removes the old document; the new name must be free. */
    private Mono<Void> rename(String oldName, String newName) {
        return Mono.from(users.find(Filters.eq("_id", oldName)).first())
                .switchIfEmpty(Mono.error(() -> userNotFound(oldName)))
                .flatMap(user -> {
                    Document copy = new Document(user);
                    copy.put("_id", newName);
                    copy.put("last_modified", new Date());
                    return Mono.from(users.insertOne(copy))
                            .onErrorMap(UserController::isDuplicateKey, e -> userExists(newName));
                })
                .then(Mono.from(users.deleteOne(Filters.eq("_id", oldName))))
                .then();
    }

    private Mono<Void> requireExists(String username) {
        return Mono.from(users.find(Filters.eq("_id", username)).first())
                .switchIfEmpty(Mono.error(() -> userNotFound(username)))
                .then();
    }

    private Mono<Void> updateFields(String username, Document request, String password) {
        Mono<List<Bson>> updates = Mono.fromCallable(() -> {
                    List<Bson> list = new ArrayList<>();
                    if (password != null) {
                        list.add(Updates.set("password", PasswordHashes.hash(password)));
                    }
                    if (request.containsKey("email")) {
                        list.add(Updates.set("email", request.get("email")));
                    }
                    if (request.containsKey("permissions")) {
                        list.add(Updates.set("permissions", request.get("permissions")));
                    }
                    return list;
                })
                .subscribeOn(Schedulers.boundedElastic());
        return updates.flatMap(list -> {
                    if (list.isEmpty()) {
                        return Mono.empty();
                    }
                    list.add(Updates.set("last_modified", new Date()));
                    return Mono.from(users.updateOne(Filters.eq("_id", username), Updates.combine(list)));
                })
                .then();
    }

    /** Returns a non-empty string field, null when absent or empty, and rejects other types. */
    private static String optionalString(Document request, String key) {
        Object value = request.get(key);
        if (value == null || "".equals(value)) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw ApiException.badRequest("invalid " + key + ": expected a string, got the JSON "
                    + PythonTypes.jsonTypeName(value) + " " + value);
        }
        return text;
    }

    private static boolean isDuplicateKey(Throwable error) {
        return error instanceof MongoWriteException write
                && write.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
    }

    private static ApiException userExists(String username) {
        return ApiException.conflict("user " + username + " already exists; choose another user name");
    }

    private static ApiException userNotFound(String username) {
        return ApiException.badRequest("user " + username + " not found");
    }
}
