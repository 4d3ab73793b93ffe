package org.kowalski.bench.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.bson.Document;
import org.kowalski.bench.broker.DeliveryRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends API queries from concurrent HTTP clients to an API on 127.0.0.1 for a fixed time and measures
 * requests per second and latency. Each client sends one request at a time, so the number of clients is
 * the number of requests in flight. Every loop is bounded by its duration and by {@value #MAX_REQUESTS}
 * requests per client.
 */
public final class ApiBench {

    private static final Logger log = LoggerFactory.getLogger(ApiBench.class);

    /** Upper bound of requests per client and run, whatever the duration. */
    public static final int MAX_REQUESTS = 200_000;

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final int port;
    private final String token;
    private final int clients;
    private final HttpClient http;

    /**
     * @param port the API's port on 127.0.0.1
     * @param token a token from {@code POST /api/auth}
     */
    public ApiBench(int port, String token, int clients) {
        this.port = port;
        this.token = token;
        this.clients = clients;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** Logs in with a username and password and returns the token. */
    public static String login(int port, String username, String password) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Document body = new Document("username", username).append("password", password);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/auth"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toJson()))
                        .timeout(REQUEST_TIMEOUT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Login to the API on port " + port + " failed with HTTP "
                    + response.statusCode() + ": " + response.body());
        }
        return Document.parse(response.body()).getString("token");
    }

    /**
     * Sends one query and returns null when it succeeds, or else why the API cannot be measured, such as a
     * missing {@code /api/queries} route.
     */
    public String probe(Document body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/queries"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body.toJson()))
                        .timeout(REQUEST_TIMEOUT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
            return null;
        }
        return "POST /api/queries returned HTTP " + response.statusCode() + " (" + abbreviate(response.body()) + ")";
    }

    /** The figures of one run. */
    public record Run(double requestsPerSecond, double p50Ms, double p99Ms, long errors) {}

    /**
     * Runs the clients for {@code duration} after a warm-up of {@code warmUp}, each sending the request
     * bodies that {@code bodies} returns for increasing indexes.
     */
    public Run run(IntFunction<Document> bodies, Duration warmUp, Duration duration) throws Exception {
        drive(bodies, warmUp);
        return drive(bodies, duration);
    }

    private Run drive(IntFunction<Document> bodies, Duration duration) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long startNanos = System.nanoTime();
            long deadlineNanos = startNanos + duration.toNanos();
            List<Future<long[]>> futures = new ArrayList<>();
            for (int client = 0; client < clients; client++) {
                int seed = client;
                futures.add(pool.submit(() -> loop(bodies, seed, deadlineNanos)));
            }
            List<long[]> perClient = new ArrayList<>();
            long errors = 0;
            for (Future<long[]> future : futures) {
                long[] result = future.get();
                errors += result[0];
                perClient.add(Arrays.copyOfRange(result, 1, result.length));
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            long[] latencies =
                    perClient.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Run(
                    latencies.length / seconds,
                    DeliveryRecorder.quantile(latencies, 0.5) / 1e6,
                    DeliveryRecorder.quantile(latencies, 0.99) / 1e6,
                    errors);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Returns the error count followed by the latency in nanoseconds of each successful request. */
    private long[] loop(IntFunction<Document> bodies, int client, long deadlineNanos) {
        SplittableRandom random = new SplittableRandom(client);
        long[] latencies = new long[1024];
        int count = 0;
        long errors = 0;
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/queries");
        for (int i = 0; i < MAX_REQUESTS && System.nanoTime() < deadlineNanos; i++) {
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            bodies.apply(random.nextInt(Integer.MAX_VALUE)).toJson()))
                    .timeout(REQUEST_TIMEOUT)
                    .build();
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                long elapsed = System.nanoTime() - start;
                if (response.statusCode() == 200 && response.body().contains("\"success\"")) {
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = elapsed;
                } else {
                    if (errors++ == 0) {
                        log.warn(
                                "API query failed with HTTP {}: {}",
                                response.statusCode(),
                                abbreviate(response.body()));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                if (errors++ == 0) {
                    log.warn("API request failed: {}", e.toString());
                }
            }
        }
        long[] result = new long[count + 1];
        result[0] = errors;
        System.arraycopy(latencies, 0, result, 1, count);
        return result;
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
