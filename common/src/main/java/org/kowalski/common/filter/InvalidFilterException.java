package org.kowalski.common.filter;

/** Error raised when a stored filter or its pipeline cannot be used. The message names the value and the fix. */
public class InvalidFilterException extends RuntimeException {

    public InvalidFilterException(String message) {
        super(message);
    }

    public InvalidFilterException(String message, Throwable cause) {
        super(message, cause);
    }
}
