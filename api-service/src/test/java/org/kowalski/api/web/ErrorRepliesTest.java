package org.kowalski.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.RunningApi;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/** Error replies that every route shares: JSON bodies for auth failures, 404, 405 and 413. */
class ErrorRepliesTest {

    private static RunningApi api;
    private static WebTestClient client;

    @BeforeAll
    static void startApi() {
        api = RunningApi.shared();
        client = api.client();
    }

    private static Document json(EntityExchangeResult<byte[]> result) {
        assertThat(result.getResponseHeaders().getContentType()).isNotNull();
        assertThat(result.getResponseHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_JSON))
                .isTrue();
        return Document.parse(new String(result.getResponseBodyContent(), StandardCharsets.UTF_8));
    }

    @Test
    void pingWithValidToken() {
        var result = client.get()
                .uri("/")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + api.adminToken())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult();
        assertThat(json(result))
                .isEqualTo(new Document("status", "success").append("message", "greetings from Kowalski!"));
    }

    @Test
    void pingWithRawTokenOfAnyUser() {
        client.get()
                .uri("/")
                .header(HttpHeaders.AUTHORIZATION, api.tokenFor("someone"))
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void pingWithoutTokenIs401Json() {
        var result = client.get()
                .uri("/")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .returnResult();
        Document body = json(result);
        assertThat(body.getString("status")).isEqualTo("error");
        assertThat(body.getString("message")).startsWith("Unauthorized").contains("POST /api/auth");
    }

    @Test
    void invalidTokenIs400TokenIsInvalid() {
        var result = client.post()
                .uri("/api/queries")
                .header(HttpHeaders.AUTHORIZATION, "no_token")
                .bodyValue("{}")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .returnResult();
        assertThat(json(result)).isEqualTo(new Document("status", "error").append("message", "token is invalid"));
    }

    @Test
    void tokenWithoutUserIdIs400() {
        // A token signed with the right key but with no user_id claim made the original return 500.
        String token = io.jsonwebtoken.Jwts.builder()
                .claim("created_at", "2024-01-01T00:00:00.000000+00:00")
                .signWith(io.jsonwebtoken.security.Keys.hmacShaKeyFor(
                        api.config().server().jwtSecretKey().getBytes(StandardCharsets.UTF_8)))
                .compact();
        var result = client.get()
                .uri("/")
                .header(HttpHeaders.AUTHORIZATION, token)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .returnResult();
        assertThat(json(result).getString("message")).isEqualTo("token is invalid");
    }

    @Test
    void malformedAuthorizationHeaderIs401Json() {
        for (String header : new String[] {"Bearer", "Bearer a b", "Basic dXNlcjpwYXNz"}) {
            var result = client.get()
                    .uri("/")
                    .header(HttpHeaders.AUTHORIZATION, header)
                    .exchange()
                    .expectStatus()
                    .isUnauthorized()
                    .expectBody()
                    .returnResult();
            assertThat(json(result).getString("message")).as(header).contains("malformed Authorization header");
        }
    }

    @Test
    void unknownRouteIs404Json() {
        var result = client.get()
                .uri("/api/nothing-here")
                .header(HttpHeaders.AUTHORIZATION, api.adminToken())
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .returnResult();
        Document body = json(result);
        assertThat(body.getString("status")).isEqualTo("error");
        assertThat(body.getString("message")).startsWith("Not Found").contains("/api/nothing-here");
    }

    @Test
    void wrongMethodIs405JsonWithAllow() {
        var result = client.method(HttpMethod.DELETE)
                .uri("/")
                .header(HttpHeaders.AUTHORIZATION, api.adminToken())
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
                .expectBody()
                .returnResult();
        assertThat(result.getResponseHeaders().getAllow()).contains(HttpMethod.GET);
        assertThat(json(result).getString("message"))
                .startsWith("Method Not Allowed")
                .contains("GET");
    }

    @Test
    void oversizedChunkedBodyIs413Json() {
        long limit = BodySizeLimitFilter.maxBodyBytes(api.config());
        int chunkBytes = 1024 * 1024;
        long chunks = limit / chunkBytes + 2;
        Flux<DataBuffer> body = Flux.range(0, (int) chunks)
                .map(i -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[chunkBytes]));
        var result = client.post()
                .uri("/api/queries")
                .header(HttpHeaders.AUTHORIZATION, api.adminToken())
                .contentType(MediaType.APPLICATION_JSON)
                .body(body, DataBuffer.class)
                .exchange()
                .expectStatus()
                .isEqualTo(413)
                .expectBody()
                .returnResult();
        assertThat(result.getRequestHeaders().getContentLength()).isEqualTo(-1);
        assertThat(json(result).getString("message")).contains("server.client_max_size");
    }

    @Test
    void oversizedBodyIs413Json() {
        long limit = BodySizeLimitFilter.maxBodyBytes(api.config());
        String body = "{\"pad\": \"" + "x".repeat((int) limit) + "\"}";
        var result = client.post()
                .uri("/api/queries")
                .header(HttpHeaders.AUTHORIZATION, api.adminToken())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isEqualTo(413)
                .expectBody()
                .returnResult();
        assertThat(json(result).getString("message"))
                .contains(Long.toString(limit))
                .contains("server.client_max_size");
    }
}
