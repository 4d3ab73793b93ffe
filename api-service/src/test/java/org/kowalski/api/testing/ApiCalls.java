package org.kowalski.api.testing;

import java.nio.charset.StandardCharsets;
import org.bson.Document;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Sends JSON requests to a running API and decodes replies as relaxed Extended JSON. */
public final class ApiCalls {

    private final WebTestClient client;

    public ApiCalls(RunningApi api) {
        this.client = api.client();
    }

    /** A reply: HTTP status, the raw body text and the body decoded as Extended JSON. */
    public record Response(int status, String text, Document body) {}

    /** Posts a JSON body with the given {@code Authorization} header value (none when null). */
    public Response post(String path, String authorization, String json) {
        var request = client.post().uri(path).contentType(MediaType.APPLICATION_JSON);
        if (authorization != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        return decode(request.bodyValue(json).exchange().expectBody().returnResult());
    }

    /** Posts a query body to {@code /api/queries}. */
    public Response query(String authorization, String json) {
        return post("/api/queries", authorization, json);
    }

    /** Posts a query body to {@code /api/queries}. */
    public Response query(String authorization, Document body) {
        return query(authorization, body.toJson());
    }

    /** Sends a GET. */
    public Response get(String path, String authorization) {
        var request = client.get().uri(path);
        if (authorization != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        return decode(request.exchange().expectBody().returnResult());
    }

    private static Response decode(EntityExchangeResult<byte[]> result) {
        byte[] bytes = result.getResponseBodyContent();
        String text = bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
        Document body = text.isEmpty() ? new Document() : Document.parse(text);
        return new Response(result.getStatus().value(), text, body);
    }
}
