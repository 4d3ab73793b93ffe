package org.kowalski.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.RunningApi;
import reactor.core.publisher.Mono;

/** A client that disconnects during a long query cancels the query's reactive chain down to the driver. */
class QueryCancellationTest {

    private static final String COLLECTION = "slow_join_test";

    @Test
    void disconnectCancelsQuery() throws Exception {
        RunningApi api = RunningApi.shared();
        MongoDatabase database = api.bean(MongoDatabase.class);
        List<Document> rows = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            rows.add(new Document("_id", i).append("k", i % 7));
        }
        Mono.from(database.getCollection(COLLECTION).drop()).block(Duration.ofSeconds(30));
        Mono.from(database.getCollection(COLLECTION).insertMany(rows)).block(Duration.ofSeconds(60));

        // A self-join that compares every pair of rows: slow enough to be running when the client leaves.
        String body = "{\"query_type\": \"aggregate\", \"query\": {\"catalog\": \"" + COLLECTION + "\","
                + " \"pipeline\": [{\"$lookup\": {\"from\": \"" + COLLECTION + "\", \"let\": {\"k\": \"$k\"},"
                + " \"pipeline\": [{\"$match\": {\"$expr\": {\"$eq\": [\"$k\", \"$$k\"]}}}, {\"$count\": \"n\"}],"
                + " \"as\": \"same\"}}, {\"$count\": \"rows\"}]}}";
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String request = "POST /api/queries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: " + api.tokenFor("impatient_user") + "\r\nContent-Length: " + bodyBytes.length
                + "\r\n\r\n";

        double before = cancelledCount(api);
        URIParts address = URIParts.of(api.baseUrl());
        try (Socket socket = new Socket(address.host(), address.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.write(bodyBytes);
            out.flush();
            Thread.sleep(1500);
        }

        // The server notices the closed connection and cancels; wait for the counter, not for a duration.
        double after = before;
        for (int attempt = 0; attempt < 300 && after <= before; attempt++) {
            Thread.sleep(100);
            after = cancelledCount(api);
        }
        assertThat(after).isEqualTo(before + 1);
    }

    private static double cancelledCount(RunningApi api) {
        return api.bean(MeterRegistry.class)
                .counter("kowalski.api.queries.cancelled")
                .count();
    }

    private record URIParts(String host, int port) {
        static URIParts of(String baseUrl) {
            java.net.URI uri = java.net.URI.create(baseUrl);
            return new URIParts(uri.getHost(), uri.getPort());
        }
    }
}
