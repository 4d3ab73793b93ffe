package org.kowalski.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.netty.util.IllegalReferenceCountException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kowalski.api.testing.RunningApi;
import org.slf4j.LoggerFactory;

/**
 * Request bodies over the size limit are released exactly once. A second
 * release returns memory to the pool while the connection's HTTP decoder still uses it: Netty then logs an
 * {@link IllegalReferenceCountException} when the connection closes, and requests on other connections
 * can read corrupted bytes and hang. The body is sent over a plain socket, so the test reads the reply up
 * to the moment the server closes the connection.
 */
class RequestBodyReleaseTest {

    /** Read time-out of the sockets, generous for a loaded test machine. A longer wait fails the test. */
    private static final int READ_TIMEOUT_MS = 120_000;

    private static RunningApi api;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeAll
    static void startApi() {
        api = RunningApi.shared();
    }

    @BeforeEach
    void captureLogs() {
        logged.start();
        rootLogger.addAppender(logged);
    }

    @AfterEach
    void stopCapture() {
        rootLogger.detachAppender(logged);
    }

    @Test
    void oversizedChunkedBodyReleasedOnce() throws Exception {
        long limitBytes = BodySizeLimitFilter.maxBodyBytes(api.config());
        int chunkBytes = 64 * 1024;
        long chunks = limitBytes / chunkBytes + 4;

        for (int attempt = 0; attempt < 3; attempt++) {
            String reply = postChunked(chunkBytes, chunks);
            assertThat(reply).startsWith("HTTP/1.1 413").contains("server.client_max_size");
        }
        // Each decoder releases its buffer on the server's event loop just after its connection closes.
        // A request on a fresh connection lets those loops run before the logs are checked.
        String ping = get("/");
        assertThat(ping).startsWith("HTTP/1.1 ");

        List<String> refCountErrors = logged.list.stream()
                .filter(event -> hasRefCountError(event.getThrowableProxy()))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
        assertThat(refCountErrors).isEmpty();
    }

    private static boolean hasRefCountError(IThrowableProxy proxy) {
        for (IThrowableProxy cause = proxy; cause != null; cause = cause.getCause()) {
            if (cause.getClassName().equals(IllegalReferenceCountException.class.getName())) {
                return true;
            }
        }
        return false;
    }

    /** Sends a chunked POST /api/queries larger than the limit and returns the whole reply. */
    private static String postChunked(int chunkBytes, long chunks) throws IOException {
        URI base = URI.create(api.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            String head =
                    "POST /api/queries HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: " + api.adminToken()
                            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[chunkBytes];
            Arrays.fill(chunk, (byte) ' ');
            byte[] chunkHead = (Integer.toHexString(chunkBytes) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (long i = 0; i < chunks; i++) {
                    out.write(chunkHead);
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedBeforeTheEnd) {
                // The server may close the connection while the rest of the body is on its way.
            }
            return readAll(socket.getInputStream());
        }
    }

    private static String get(String path) throws IOException {
        URI base = URI.create(api.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return readAll(socket.getInputStream());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int read; (read = in.read(buffer)) >= 0; ) {
                reply.write(buffer, 0, read);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("reply timed out after " + READ_TIMEOUT_MS + " ms; received so far: " + reply, e);
        } catch (IOException resetAfterReply) {
            // A reset after the reply arrived still leaves the reply readable.
        }
        return reply.toString(StandardCharsets.UTF_8);
    }
}
