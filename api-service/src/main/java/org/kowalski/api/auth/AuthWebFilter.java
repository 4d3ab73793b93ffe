package org.kowalski.api.auth;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Reads the {@code Authorization} header of every request: {@code Bearer <token>} or the bare token
 * that penquins sends. A valid token puts the user name in the exchange attribute {@link #USER_ATTRIBUTE};
 * an invalid one is answered with 401 JSON before routing. Routes decide themselves whether a user is
 * required.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class AuthWebFilter implements WebFilter {

    public static final String USER_ATTRIBUTE = "kowalski.user";

    private final JwtService jwtService;

    public AuthWebFilter(JwtService jwtService) {
        this.jwtService = jwtService;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            return chain.filter(exchange);
        }
        String token = extractToken(header);
        if (token == null) {
            return reject(exchange, "token is invalid: send 'Authorization: Bearer <token>' or the bare token");
        }
        try {
            exchange.getAttributes().put(USER_ATTRIBUTE, jwtService.verify(token));
        } catch (JwtService.InvalidTokenException e) {
            return reject(exchange, e.getMessage());
        }
        return chain.filter(exchange);
    }

    /** Returns the token of a header value, or {@code null} for a bare "Bearer" or several extra words. */
    static String extractToken(String header) {
        String[] words = header.trim().split("\\s+");
        if (words[0].toLowerCase(Locale.ROOT).equals("bearer")) {
            return words.length == 2 ? words[1] : null;
        }
        return words.length == 1 ? words[0] : null;
    }

    private static Mono<Void> reject(ServerWebExchange exchange, String message) {
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        String body = "{\"status\": \"error\", \"message\": \"" + message.replace("\"", "\\\"") + "\"}";
        DataBuffer buffer = response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(buffer));
    }
}
