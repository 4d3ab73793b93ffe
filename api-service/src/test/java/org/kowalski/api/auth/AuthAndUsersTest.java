package org.kowalski.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.RunningApi;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** Tokens from {@code POST /api/auth} and user management through {@code /api/users}. */
class AuthAndUsersTest {

    private static RunningApi api;
    private static WebTestClient client;
    private static String adminToken;

    @BeforeAll
    static void startApi() {
        api = RunningApi.shared();
        client = api.client();
        adminToken = login("admin", "admin", null).getString("token");
    }

    private static WebTestClient.ResponseSpec post(String path, String token, String body) {
        var request = client.post().uri(path).contentType(MediaType.APPLICATION_JSON);
        if (token != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, token);
        }
        return request.bodyValue(body).exchange();
    }

    private static Document body(WebTestClient.ResponseSpec response) {
        byte[] bytes = response.expectBody().returnResult().getResponseBodyContent();
        return Document.parse(new String(bytes, StandardCharsets.UTF_8));
    }

    private static Document login(String username, String password, String penquinsVersion) {
        Document request = new Document("username", username).append("password", password);
        if (penquinsVersion != null) {
            request.append("penquins.__version__", penquinsVersion);
        }
        var response = post("/api/auth", null, request.toJson());
        response.expectStatus().isOk();
        return body(response);
    }

    private static int loginStatus(String username, String password) {
        String request =
                new Document("username", username).append("password", password).toJson();
        return post("/api/auth", null, request)
                .returnResult(byte[].class)
                .getStatus()
                .value();
    }

    private static String randomName() {
        return "user_" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void authReturnsStatusAndToken() {
        Document reply = login("admin", "admin", "2.4.2");
        assertThat(reply.keySet()).containsExactly("status", "token");
        assertThat(reply.getString("status")).isEqualTo("success");
        client.get()
                .uri("/")
                .header(HttpHeaders.AUTHORIZATION, reply.getString("token"))
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void authReadsJsonWhateverContentType() {
        // curl -d sends form encoding, and the original read every body as JSON.
        var response = client.post()
                .uri("/api/auth")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("{\"username\": \"admin\", \"password\": \"admin\"}")
                .exchange();
        response.expectStatus().isOk();
        assertThat(body(response).getString("token")).isNotBlank();
    }

    @Test
    void authWithWrongCredentialsIs401Unauthorized() {
        var response = post("/api/auth", null, "{\"username\": \"noname\", \"password\": \"nopass\"}");
        response.expectStatus().isUnauthorized();
        assertThat(body(response)).isEqualTo(new Document("status", "error").append("message", "Unauthorized"));
        assertThat(loginStatus("admin", "wrong")).isEqualTo(401);
    }

    @Test
    void authRejectsUnsupportedPenquins() {
        String request = "{\"username\": \"admin\", \"password\": \"admin\", \"penquins.__version__\": \"1.9.0\"}";
        var response = post("/api/auth", null, request);
        response.expectStatus().isBadRequest();
        assertThat(body(response).getString("message"))
                .startsWith("unsupported version of penquins: 1.9.0")
                .contains("2.4.2");
    }

    @Test
    void authInputErrorsAre400() {
        var missingUser = post("/api/auth", null, "{\"password\": \"x\"}");
        missingUser.expectStatus().isBadRequest();
        assertThat(body(missingUser).getString("message")).isEqualTo("missing username");

        var missingPassword = post("/api/auth", null, "{\"username\": \"x\"}");
        missingPassword.expectStatus().isBadRequest();
        assertThat(body(missingPassword).getString("message")).isEqualTo("missing password");

        // The original returned 500 for these two, which penquins retries.
        var notJson = post("/api/auth", null, "username=admin");
        notJson.expectStatus().isBadRequest();
        assertThat(body(notJson).getString("message")).startsWith("JSONDecodeError");

        var numericUser = post("/api/auth", null, "{\"username\": 5, \"password\": \"x\"}");
        numericUser.expectStatus().isBadRequest();
        assertThat(body(numericUser).getString("message")).contains("username").contains("string");
    }

    @Test
    void storedAdminHashHasOriginalForm() {
        MongoDatabase database = api.bean(MongoDatabase.class);
        Document admin = Mono.from(database.getCollection("users")
                        .find(Filters.eq("_id", "admin"))
                        .first())
                .block(Duration.ofSeconds(30));
        assertThat(admin).isNotNull();
        String bcrypt = new String(Base64.getDecoder().decode(admin.getString("password")), StandardCharsets.US_ASCII);
        assertThat(bcrypt).startsWith("$2b$12$");
        assertThat(admin.get("permissions")).isEqualTo(new Document());
        assertThat(admin.get("last_modified")).isInstanceOf(java.util.Date.class);
    }

    @Test
    void userLifecycle() {
        String name = randomName();
        String renamed = name + "_new";

        // Create, then log in as the new user.
        var created = post(
                "/api/users",
                adminToken,
                new Document("username", name)
                        .append("password", "first")
                        .append("email", "a@b.c")
                        .toJson());
        created.expectStatus().isOk();
        assertThat(body(created).getString("message")).isEqualTo("added user " + name);
        assertThat(loginStatus(name, "first")).isEqualTo(200);

        // A password-only edit changes the password (the original changed nothing).
        var passwordEdit = client.put()
                .uri("/api/users/" + name)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + adminToken)
                .bodyValue("{\"password\": \"second\"}")
                .exchange();
        passwordEdit.expectStatus().isOk();
        assertThat(body(passwordEdit).getString("message")).isEqualTo("edited user " + name);
        assertThat(loginStatus(name, "second")).isEqualTo(200);
        assertThat(loginStatus(name, "first")).isEqualTo(401);

        // Rename; the old name is gone and the password moves along.
        client.put()
                .uri("/api/users/" + name)
                .header(HttpHeaders.AUTHORIZATION, adminToken)
                .bodyValue(new Document("username", renamed).toJson())
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(loginStatus(renamed, "second")).isEqualTo(200);
        assertThat(loginStatus(name, "second")).isEqualTo(401);

        // Delete the renamed user, which proves the rename; a second delete finds nothing.
        var deleted = client.delete()
                .uri("/api/users/" + renamed)
                .header(HttpHeaders.AUTHORIZATION, adminToken)
                .exchange();
        deleted.expectStatus().isOk();
        assertThat(body(deleted).getString("message")).isEqualTo("removed user " + renamed);
        var again = client.delete()
                .uri("/api/users/" + renamed)
                .header(HttpHeaders.AUTHORIZATION, adminToken)
                .exchange();
        again.expectStatus().isBadRequest();
        assertThat(body(again).getString("message")).isEqualTo("user " + renamed + " not found");
    }

    @Test
    void duplicateUserIs409() {
        String name = randomName();
        String request = new Document("username", name).append("password", "p").toJson();
        post("/api/users", adminToken, request).expectStatus().isOk();
        var duplicate = post("/api/users", adminToken, request);
        duplicate.expectStatus().isEqualTo(409);
        assertThat(body(duplicate).getString("message")).contains(name).contains("already exists");
    }

    @Test
    void userRoutesNeedAdmin() {
        String request =
                new Document("username", randomName()).append("password", "p").toJson();
        post("/api/users", null, request).expectStatus().isUnauthorized();
        var forbidden = post("/api/users", api.tokenFor("not_the_admin"), request);
        forbidden.expectStatus().isForbidden();
        assertThat(body(forbidden).getString("message")).startsWith("Forbidden").contains("admin");
    }

    @Test
    void superuserCannotBeRenamedOrRemoved() {
        var rename = client.put()
                .uri("/api/users/admin")
                .header(HttpHeaders.AUTHORIZATION, adminToken)
                .bodyValue("{\"username\": \"root\"}")
                .exchange();
        rename.expectStatus().isBadRequest();
        assertThat(body(rename).getString("message")).isEqualTo("cannot rename the superuser!");

        var remove = client.delete()
                .uri("/api/users/admin")
                .header(HttpHeaders.AUTHORIZATION, adminToken)
                .exchange();
        remove.expectStatus().isBadRequest();
        assertThat(body(remove).getString("message")).isEqualTo("cannot remove the superuser!");
    }

    @Test
    void missingUserFieldsAre400() {
        var response = post("/api/users", adminToken, "{\"username\": \"x\"}");
        response.expectStatus().isBadRequest();
        assertThat(body(response).getString("message")).isEqualTo("username and password must be set");
    }
}
