package org.kowalski.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.testing.TestConfigs;

class JwtServiceTest {

    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

    private static KowalskiConfig config(Long expirySeconds) {
        return TestConfigs.embedded(
                expirySeconds == null ? Map.of() : Map.of("server", Map.of("JWT_EXP_DELTA_SECONDS", expirySeconds)));
    }

    private static JwtService service(KowalskiConfig config, Instant now) {
        return new JwtService(config, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void tokenWithoutExpiryCarriesOriginalClaims() {
        KowalskiConfig config = config(null);
        String token = service(config, NOW).issue("alice");
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(payload)
                .contains("\"user_id\":\"alice\"")
                .contains("\"created_at\":\"2024-05-01T10:00:00.000000+00:00\"");
        assertThat(payload).doesNotContain("exp");
        // Years later the token still works.
        assertThat(service(config, NOW.plus(Duration.ofDays(3650))).verify(token))
                .isEqualTo("alice");
    }

    @Test
    void expiryWorksWhenConfigured() {
        KowalskiConfig config = config(60L);
        String token = service(config, NOW).issue("bob");
        assertThat(service(config, NOW.plusSeconds(30)).verify(token)).isEqualTo("bob");
        assertThatThrownBy(() -> service(config, NOW.plusSeconds(120)).verify(token))
                .isInstanceOf(JwtService.InvalidTokenException.class)
                .hasMessageStartingWith("token has expired");
    }

    @Test
    void acceptsTokenMintedLikePythonServer() {
        KowalskiConfig config = config(null);
        // PyJWT with the same secret: header {"alg": "HS256", "typ": "JWT"}, string created_at, no exp.
        String token = Jwts.builder()
                .header()
                .add("typ", "JWT")
                .and()
                .claim("user_id", "admin")
                .claim("created_at", "2021-03-04T05:06:07.123456+00:00")
                .signWith(Keys.hmacShaKeyFor(config.server().jwtSecretKey().getBytes(StandardCharsets.UTF_8)))
                .compact();
        assertThat(service(config, NOW).verify(token)).isEqualTo("admin");
    }

    @Test
    void rejectsOtherKeyAndUnsignedTokens() {
        KowalskiConfig config = config(null);
        String otherKey = Jwts.builder()
                .claim("user_id", "admin")
                .signWith(
                        Keys.hmacShaKeyFor("another-secret-another-secret-0123456789".getBytes(StandardCharsets.UTF_8)))
                .compact();
        String unsigned = Jwts.builder().claim("user_id", "admin").compact();
        for (String token : new String[] {otherKey, unsigned, "no_token", "a.b.c"}) {
            assertThatThrownBy(() -> service(config, NOW).verify(token))
                    .as(token)
                    .isInstanceOf(JwtService.InvalidTokenException.class)
                    .hasMessage("token is invalid");
        }
    }
}
