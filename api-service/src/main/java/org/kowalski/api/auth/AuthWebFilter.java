package org.kowalski.api.auth;

import java.util.Locale;
import org.kowalski.api.web.ApiException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Reads the {@code Authorization} header of every request, before routing, as the Python original does.
 * The header contains the bare token (what penquins sends) or {@code Bearer <token>} (the scheme matched
 * as a whole first word, case-insensitive). A valid token puts the user name in the exchange attribute
 * {@link #USER_ATTRIBUTE}; routes decide themselves whether they need a user.
 *
 * <p>Rejections:
 *
 * <ul>
 *   <li>a token that fails verification (bad format, bad signature, another algorithm, no
 *       {@code user_id}): 400 {@code token is invalid}, the reply penquins and the original's tests
 *       expect and that penquins does not retry;
 *   <li>an expired token: 400 {@code token has expired ...};
 *   <li>a malformed header ({@code Bearer} without a token, another scheme such as {@code Basic}, more
 *       than one token): 401 JSON, where the original returned a plain-text 500.
 * </ul>
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
            return Mono.error(ApiException.unauthorized("Unauthorized: malformed Authorization header;"
                    + " send 'Authorization: <token>' or 'Authorization: Bearer <token>' with a token"
                    + " from POST /api/auth"));
        }
        try {
            exchange.getAttributes().put(USER_ATTRIBUTE, jwtService.verify(token));
        } catch (JwtService.InvalidTokenException e) {
            return Mono.error(ApiException.badRequest(e.getMessage()));
        }
        return chain.filter(exchange);
    }

    /**
     * Returns the token of a header value, or {@code null} for a malformed header: {@code Bearer} alone,
     * a scheme other than Bearer, or more than one word after it.
     */
    static String extractToken(String header) {
        String[] words = header.trim().split("\\s+");
        if (words[0].toLowerCase(Locale.ROOT).equals("bearer")) {
            return words.length == 2 ? words[1] : null;
        }
        return words.length == 1 ? words[0] : null;
    }
}
