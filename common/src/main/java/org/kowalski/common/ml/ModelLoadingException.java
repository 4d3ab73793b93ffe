package org.kowalski.common.ml;

/** Signals a model file that cannot be found, fetched or imported; the message gives the reason. */
public class ModelLoadingException extends RuntimeException {

    public ModelLoadingException(String message) {
        super(message);
    }

    public ModelLoadingException(String message, Throwable cause) {
        super(message, cause);
    }
}
