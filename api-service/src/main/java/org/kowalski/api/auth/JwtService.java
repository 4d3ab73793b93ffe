package org.kowalski.api.auth;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import javax.crypto.SecretKey;
import org.kowalski.common.config.KowalskiConfig;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Issues and verifies the API's HS256 tokens. Claims are those of the Python original ({@code user_id}
 * and a string {@code created_at} such as {@code 2024-05-01T10:00:00.123456+00:00}), so tokens minted
 * by either server with the same secret work on both. When {@code server.JWT_EXP_DELTA_SECONDS} is set,
 * the token carries a numeric {@code exp} and expires; the original wrote {@code exp} as a date string,
 * which made every such token invalid. Without it tokens never expire, as penquins users expect.
 */
@Component
public class JwtService {

    /** The message of the 400 reply for a token that fails verification, as the original sends it. */
    public static final String INVALID_TOKEN = "token is invalid";

    private static final DateTimeFormatter CREATED_AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private final SecretKey key;
    private final Long expirySeconds;
    private final Clock clock;

    @Autowired
    public JwtService(KowalskiConfig config) {
        this(config, Clock.systemUTC());
    }

    /** Creates a service that reads the time from {@code clock}, for tests of expiry. */
    public JwtService(KowalskiConfig config, Clock clock) {
        this.key = Keys.hmacShaKeyFor(config.server().jwtSecretKey().getBytes(StandardCharsets.UTF_8));
        this.expirySeconds = config.server().jwtExpDeltaSeconds();
        this.clock = clock;
    }

    /** Returns a signed token for a user. */
    public String issue(String username) {
        Instant now = clock.instant();
        var builder = Jwts.builder()
                .header()
                .add("typ", "JWT")
                .and()
                .claim("user_id", username)
                .claim("created_at", CREATED_AT.format(now));
        if (expirySeconds != null) {
            builder.expiration(Date.from(now.plusSeconds(expirySeconds)));
        }
        return builder.signWith(key, Jwts.SIG.HS256).compact();
    }

    /**
     * Verifies a token and returns its {@code user_id}.
     *
     * @throws InvalidTokenException when the token is malformed, badly signed, signed with another
     *     algorithm, expired or has no user
     */
    public String verify(String token) {
        Claims claims;
        try {
            claims = Jwts.parser()
                    .verifyWith(key)
                    .clock(() -> Date.from(clock.instant()))
                    .build()
                    .parseSignedClaims(token)
                    .getPayload();
        } catch (ExpiredJwtException e) {
            throw new InvalidTokenException("token has expired; get a new one from POST /api/auth");
        } catch (JwtException | IllegalArgumentException | ClassCastException e) {
            throw new InvalidTokenException(INVALID_TOKEN);
        }
        Object user = claims.get("user_id");
        if (!(user instanceof String username) || username.isEmpty()) {
            throw new InvalidTokenException(INVALID_TOKEN);
        }
        return username;
    }

    /** Signals a token that cannot be used; the message is the one the API returns. */
    public static class InvalidTokenException extends RuntimeException {
        public InvalidTokenException(String message) {
            super(message);
        }
    }
}
