package org.kowalski.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PasswordHashesTest {

    /** A bcrypt test vector of the pyca/bcrypt project, the library the Python original hashes with. */
    private static final String PYCA_PASSWORD = "Kk4DQuMMfZL9o";

    private static final String PYCA_HASH = "$2b$04$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YEm";

    private static String stored(String bcrypt) {
        return Base64.getEncoder().encodeToString(bcrypt.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void verifiesHashOfPythonBcrypt() {
        assertThat(PasswordHashes.matches(PYCA_PASSWORD, stored(PYCA_HASH))).isTrue();
        assertThat(PasswordHashes.matches(PYCA_PASSWORD + "x", stored(PYCA_HASH)))
                .isFalse();
    }

    @Test
    void hashIsBase64OfCost12Bcrypt() {
        String hash = PasswordHashes.hash("s3cret");
        String bcrypt = new String(Base64.getDecoder().decode(hash), StandardCharsets.US_ASCII);
        assertThat(bcrypt).startsWith("$2b$12$").hasSize(60);
        assertThat(PasswordHashes.matches("s3cret", hash)).isTrue();
        assertThat(PasswordHashes.matches("S3cret", hash)).isFalse();
    }

    @Test
    void passwordsAreCutAt72Bytes() {
        String first72 = "p".repeat(72);
        String hash = PasswordHashes.hash(first72 + "tail that bcrypt ignores");
        assertThat(PasswordHashes.matches(first72, hash)).isTrue();
        assertThat(PasswordHashes.matches(first72 + "other tail", hash)).isTrue();
        assertThat(PasswordHashes.matches("p".repeat(71), hash)).isFalse();
    }

    @Test
    void storedValueThatIsNoHashNeverMatches() {
        assertThat(PasswordHashes.matches("x", "not base64 !")).isFalse();
        assertThat(PasswordHashes.matches("x", stored("plain text"))).isFalse();
        assertThat(PasswordHashes.matches("x", null)).isFalse();
    }
}
