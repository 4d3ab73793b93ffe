package org.kowalski.api.web;

import java.util.concurrent.atomic.AtomicLong;
import org.kowalski.common.config.KowalskiConfig;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rejects request bodies larger than {@code server.client_max_size} with a JSON 413: at once when the
 * {@code Content-Length} header says so. A chunked body is passed on up to the limit. The chunks after it
 * are released as they arrive, and the 413 is sent when the body ends, so memory stays within the limit.
 * Cancelling the read in the middle of the body made Reactor Netty release chunk memory twice, which
 * corrupted requests on other connections and left some of them without a reply.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BodySizeLimitFilter implements WebFilter {

    /** The body limit when {@code server.client_max_size} is not set: 16 MiB, room for batch cone searches. */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;

    private final long maxBodyBytes;

    public BodySizeLimitFilter(KowalskiConfig config) {
        this.maxBodyBytes = maxBodyBytes(config);
    }

    /** Returns the configured body limit in bytes. */
    public static long maxBodyBytes(KowalskiConfig config) {
        Long configured = config.server().clientMaxSize();
        return configured == null ? DEFAULT_MAX_BODY_BYTES : configured;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long declared = exchange.getRequest().getHeaders().getContentLength();
        if (declared > maxBodyBytes) {
            return Mono.error(tooLarge(declared + " bytes"));
        }
        ServerHttpRequest limited = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                AtomicLong received = new AtomicLong();
                Flux<DataBuffer> withinLimit = super.getBody().handle((buffer, sink) -> {
                    if (received.addAndGet(buffer.readableByteCount()) > maxBodyBytes) {
                        // Past the limit: let the chunk go and keep reading to the end of the body.
                        DataBufferUtils.release(buffer);
                    } else {
                        sink.next(buffer);
                    }
                });
                return withinLimit.concatWith(Mono.defer(() -> received.get() > maxBodyBytes
                        ? Mono.error(tooLarge("more than " + maxBodyBytes + " bytes"))
                        : Mono.empty()));
            }
        };
        return chain.filter(exchange.mutate().request(limited).build());
    }

    private ApiException tooLarge(String size) {
        return tooLarge(size, maxBodyBytes);
    }

    /** Returns the 413 error for a body of the given size. */
    static ApiException tooLarge(String size, long maxBodyBytes) {
        return new ApiException(
                HttpStatus.CONTENT_TOO_LARGE,
                "Content Too Large: the request body has " + size + ", but the limit is " + maxBodyBytes
                        + " bytes (server.client_max_size); split the request, for example a batch cone"
                        + " search into several queries");
    }
}
