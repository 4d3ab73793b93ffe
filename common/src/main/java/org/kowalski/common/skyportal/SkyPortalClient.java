package org.kowalski.common.skyportal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.kowalski.common.config.KowalskiConfig;

/**
 * A blocking client of the SkyPortal REST API, built on {@code java.net.http}.
 *
 * <p>The outbox sends the posts of each object in order on its own worker threads, so a blocking client
 * keeps that code plain, and {@code java.net.http} needs no web framework in {@code common}. Requests
 * carry {@code Authorization: token <skyportal.token>} and {@code User-Agent: Kowalski v<version>}. GET
 * sends its parameters in the query string, the other methods send JSON.
 *
 * <p>This client does not retry: a failure that may pass (no connection, a timeout, or status 405, 429,
 * 500, 502, 503, 504, the statuses the original retries) raises {@link SkyPortalUnavailableException}, and
 * the outbox decides when to try again. Any other reply is returned, successful or not.
 */
public final class SkyPortalClient {

    /** Statuses after which the same request may succeed later. */
    public static final Set<Integer> RETRY_STATUSES = Set.of(405, 429, 500, 502, 503, 504);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String baseUrl;
    private final String token;
    private final String userAgent;
    private final Duration defaultTimeout;

    /**
     * @param settings the {@code skyportal} section
     * @param version the Kowalski version sent in the User-Agent, such as {@code 3.0.0}
     */
    public SkyPortalClient(KowalskiConfig.SkyPortal settings, String version) {
        this.baseUrl = settings.baseUrl();
        this.token = settings.token();
        this.userAgent = "Kowalski v" + version;
        this.defaultTimeout = Duration.ofMillis(settings.timeoutMs() == null ? 5000 : settings.timeoutMs());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(defaultTimeout)
                .build();
    }

    /** Returns the base URL of the SkyPortal instance, for log lines. */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * A SkyPortal reply.
     *
     * @param status the HTTP status
     * @param body the parsed JSON body, or an empty map when there is none or it is not a JSON object
     */
    public record Reply(int status, Map<String, Object> body) {

        /** Returns whether SkyPortal reported success: status 200 and {@code "status": "success"}. */
        public boolean success() {
            return status == 200 && "success".equals(body.get("status"));
        }

        /** Returns the {@code data} member, or {@code null}. */
        public Object data() {
            return body.get("data");
        }

        /** Returns the {@code data} member when it is an object, else an empty map. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> dataObject() {
            return body.get("data") instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        }

        /** Returns SkyPortal's message, or the status, for log lines. */
        public String describe() {
            Object message = body.get("message");
            return "HTTP " + status + (message == null ? "" : ": " + message);
        }
    }

    public Reply get(String path, Map<String, ?> query) {
        return send("GET", path + queryString(query), null, defaultTimeout);
    }

    public Reply head(String path) {
        return send("HEAD", path, null, defaultTimeout);
    }

    public Reply post(String path, Object body) {
        return send("POST", path, body, defaultTimeout);
    }

    public Reply post(String path, Object body, Duration timeout) {
        return send("POST", path, body, timeout);
    }

    public Reply put(String path, Object body) {
        return send("PUT", path, body, defaultTimeout);
    }

    public Reply put(String path, Object body, Duration timeout) {
        return send("PUT", path, body, timeout);
    }

    private Reply send(String method, String pathAndQuery, Object body, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(timeout)
                .header("User-Agent", userAgent);
        if (token != null) {
            request.header("Authorization", "token " + token);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(toJson(body)));
        }

        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new SkyPortalUnavailableException(
                    method + " " + baseUrl + pathAndQuery + " failed: cannot connect (" + e + ")", false, e);
        } catch (IOException e) {
            throw new SkyPortalUnavailableException(method + " " + baseUrl + pathAndQuery + " failed: " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkyPortalUnavailableException(method + " " + baseUrl + pathAndQuery + " interrupted", true, e);
        }

        if (RETRY_STATUSES.contains(response.statusCode())) {
            throw new SkyPortalUnavailableException(
                    method + " " + baseUrl + pathAndQuery + " returned HTTP " + response.statusCode(), true, null);
        }
        return new Reply(response.statusCode(), parse(response.body()));
    }

    static String toJson(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write the request body as JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> parse(String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        try {
            Object parsed = JSON.readValue(text, Object.class);
            if (parsed instanceof Map<?, ?>) {
                return JSON.convertValue(parsed, new TypeReference<Map<String, Object>>() {});
            }
            return Map.of();
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static String queryString(Map<String, ?> query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringJoiner joined = new StringJoiner("&", "?", "");
        query.forEach((key, value) -> {
            List<?> values = value instanceof List<?> list ? list : List.of(String.valueOf(value));
            for (Object item : values) {
                joined.add(encode(key) + "=" + encode(String.valueOf(item)));
            }
        });
        return joined.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
