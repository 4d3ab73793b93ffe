package org.kowalski.api.auth;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Password hashes in the form the Python original stores in {@code users.password}: the standard
 * base64 (padded) of a bcrypt string with prefix {@code $2b$} and cost 12. Passwords are cut to their
 * first 72 UTF-8 bytes, as Python's bcrypt 4.3 does silently, so hashes written by either server verify
 * on both. Hashing takes a few hundred milliseconds of CPU, so callers run it off the event loop.
 */
public final class PasswordHashes {

    /** The bcrypt cost factor of new hashes (2^12 rounds), as the original uses. */
    public static final int COST = 12;

    /** bcrypt reads at most this many bytes of a password. */
    private static final int MAX_PASSWORD_BYTES = 72;

    private PasswordHashes() {}

    /** Returns the stored form of a password's hash. */
    public static String hash(String password) {
        String bcrypt = BCrypt.hashpw(passwordBytes(password), BCrypt.gensalt("$2b", COST));
        return Base64.getEncoder().encodeToString(bcrypt.getBytes(StandardCharsets.US_ASCII));
    }

    /** Returns whether a password matches a stored hash; a stored value that is not a hash never matches. */
    public static boolean matches(String password, String storedHash) {
        if (password == null || storedHash == null) {
            return false;
        }
        try {
            String bcrypt = new String(Base64.getDecoder().decode(storedHash), StandardCharsets.US_ASCII);
            return BCrypt.checkpw(passwordBytes(password), bcrypt);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] passwordBytes(String password) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_PASSWORD_BYTES ? bytes : Arrays.copyOf(bytes, MAX_PASSWORD_BYTES);
    }
}
