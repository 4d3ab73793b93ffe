package org.kowalski.common.sky;

/** A sky query with an invalid position, radius or option; the message names the value and the valid range. */
public class InvalidSkyQueryException extends IllegalArgumentException {

    public InvalidSkyQueryException(String message) {
        super(message);
    }

    public InvalidSkyQueryException(String message, Throwable cause) {
        super(message, cause);
    }
}
