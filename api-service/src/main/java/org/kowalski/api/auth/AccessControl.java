package org.kowalski.api.auth;

import java.util.Optional;
import org.kowalski.api.web.ApiException;
import org.kowalski.common.config.KowalskiConfig;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Checks who sent a request. {@link AuthWebFilter} has already verified the token, so these checks only
 * read the user it stored. A user is an admin when the name equals {@code server.admin_username}, as in
 * the Python original.
 */
@Component
public class AccessControl {

    private final String adminUsername;

    public AccessControl(KowalskiConfig config) {
        this.adminUsername = config.server().adminUsername();
    }

    /** Returns the user of a request with a valid token, or empty for an anonymous request. */
    public static Optional<String> user(ServerWebExchange exchange) {
        return Optional.ofNullable(exchange.getAttribute(AuthWebFilter.USER_ATTRIBUTE));
    }

    /**
     * Returns the user of the request.
     *
     * @throws ApiException 401 when the request has no token
     */
    public String requireUser(ServerWebExchange exchange) {
        return user(exchange)
                .orElseThrow(() -> ApiException.unauthorized("Unauthorized: this route needs a token;"
                        + " get one from POST /api/auth and send it in the Authorization header"));
    }

    /**
     * Returns the admin user of the request.
     *
     * @throws ApiException 401 when the request has no token, 403 when the user is not the admin
     */
    public String requireAdmin(ServerWebExchange exchange) {
        String user = requireUser(exchange);
        if (!isAdmin(user)) {
            throw ApiException.forbidden("Forbidden: admin rights required; user '" + user
                    + "' is not the admin user named in server.admin_username");
        }
        return user;
    }

    /** Returns whether a user name is the admin's. */
    public boolean isAdmin(String user) {
        return adminUsername != null && adminUsername.equals(user);
    }

    /** Returns the admin's user name, {@code server.admin_username}. */
    public String adminUsername() {
        return adminUsername;
    }
}
