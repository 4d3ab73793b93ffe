package org.kowalski.common.ml;

/** Signals an alert whose model inputs cannot be built, such as an unreadable or oversized cutout. */
public class PreprocessingException extends RuntimeException {

    public PreprocessingException(String message) {
        super(message);
    }

    public PreprocessingException(String message, Throwable cause) {
        super(message, cause);
    }
}
