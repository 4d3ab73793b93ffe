package org.kowalski.common.alert;

/** Signals a decoded alert that cannot be stored, such as one without an id or with coordinates out of range. */
public class InvalidAlertException extends RuntimeException {

    public InvalidAlertException(String message) {
        super(message);
    }

    public InvalidAlertException(String message, Throwable cause) {
        super(message, cause);
    }
}
