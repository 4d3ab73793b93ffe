package org.kowalski.common.mongo;

/** Signals that the MongoDB store did not answer; the message names the host and the setting to check. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
