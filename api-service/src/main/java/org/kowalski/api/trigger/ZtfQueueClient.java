package org.kowalski.api.trigger;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.kowalski.api.web.ApiException;
import org.kowalski.common.config.InvalidConfigurationException;
import org.kowalski.common.config.KowalskiConfig;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;

/**
 * Sends trigger requests to the ZTF queue service at {@code ztf.queue_url}: JSON bodies to
 * {@code /queues} and {@code /mma_skymaps} with the request's method. When the key is unset, the real
 * trigger routes reply 501 and only the {@code .test} routes work.
 */
@Component
class ZtfQueueClient {

    static final String URL_KEY = "ztf.queue_url";
    static final String TIMEOUT_KEY = "ztf.queue_timeout_ms";
    static final long DEFAULT_TIMEOUT_MS = 10_000;

    private final String baseUrl;
    private final Duration timeout;
    private final WebClient client;

    ZtfQueueClient(KowalskiConfig config) {
        this.baseUrl = parseUrl(config.get(URL_KEY));
        Object timeoutMs = config.get(TIMEOUT_KEY);
        if (timeoutMs != null && !(timeoutMs instanceof Number number && number.longValue() > 0)) {
            throw new InvalidConfigurationException("Invalid " + TIMEOUT_KEY + " " + timeoutMs
                    + ": set a positive number of milliseconds, such as 10000");
        }
        this.timeout = Duration.ofMillis(timeoutMs == null ? DEFAULT_TIMEOUT_MS : ((Number) timeoutMs).longValue());
        this.client = WebClient.builder().build();
    }

    /** The reply of the queue service: its status, headers (first value of each, lower-case names) and body text. */
    record Response(int status, Map<String, String> headers, String body) {}

    /** Returns whether a queue service is configured. */
    boolean isConfigured() {
        return baseUrl != null;
    }

    /**
     * Sends a JSON body to a path of the queue service.
     *
     * @throws ApiException 501 when no service is configured, 502 when it cannot be reached in time
     */
    Mono<Response> send(HttpMethod method, String path, Map<String, Object> body) {
        if (baseUrl == null) {
            return Mono.error(new ApiException(
                    HttpStatus.NOT_IMPLEMENTED,
                    "No ZTF queue service is configured: set " + URL_KEY
                            + " in config.yaml, or use the .test routes to validate requests only"));
        }
        return client.method(method)
                .uri(baseUrl + path)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchangeToMono(response -> response.bodyToMono(String.class)
                        .defaultIfEmpty("")
                        .map(text -> new Response(
                                response.statusCode().value(),
                                lowerCaseNames(
                                        response.headers().asHttpHeaders().toSingleValueMap()),
                                text)))
                .timeout(timeout)
                .onErrorMap(WebClientRequestException.class, e -> unreachable(method, path, e))
                .onErrorMap(TimeoutException.class, e -> unreachable(method, path, e));
    }

    private ApiException unreachable(HttpMethod method, String path, Throwable cause) {
        return new ApiException(
                HttpStatus.BAD_GATEWAY,
                "The ZTF queue service at " + baseUrl + " did not answer " + method + " " + path + " within "
                        + timeout.toMillis() + " ms (" + cause.getMessage() + "); check that it runs and "
                        + URL_KEY + " points at it",
                cause);
    }

    /** Returns the headers keyed by lower-case name, since header names are case-insensitive. */
    private static Map<String, String> lowerCaseNames(Map<String, String> headers) {
        Map<String, String> result = new LinkedHashMap<>();
        headers.forEach((name, value) -> result.put(name.toLowerCase(Locale.ROOT), value));
        return result;
    }

    private static String parseUrl(Object value) {
        if (value == null || (value instanceof String text && text.isBlank())) {
            return null;
        }
        try {
            URI uri = new URI(String.valueOf(value).trim());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(String.valueOf(value), "expected an http or https URL with a host");
            }
            String text = uri.toString();
            return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException("Invalid " + URL_KEY + " '" + value + "': " + e.getReason()
                    + "; set the base URL of the ZTF queue service, such as http://localhost:9999");
        }
    }
}
