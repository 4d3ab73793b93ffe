package org.kowalski.api.web;

import org.springframework.http.HttpStatus;

/**
 * A request that the API rejects, with the HTTP status and the message of the JSON error reply
 * {@code {"status": "error", "message": ...}}. Messages name the offending value and the fix. Throw it
 * from handlers or return it with {@code Mono.error}; {@link ApiErrorHandler} writes the reply.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;

    public ApiException(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }

    public ApiException(HttpStatus status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** Returns a 400 Bad Request, the reply for invalid input that penquins does not retry. */
    public static ApiException badRequest(String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, message);
    }

    /** Returns a 401 Unauthorized, for a request without a usable token or with wrong credentials. */
    public static ApiException unauthorized(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, message);
    }

    /** Returns a 403 Forbidden, for a user without the rights a route needs. */
    public static ApiException forbidden(String message) {
        return new ApiException(HttpStatus.FORBIDDEN, message);
    }

    /** Returns a 404 Not Found. */
    public static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, message);
    }

    /** Returns a 409 Conflict, for creating something that already exists. */
    public static ApiException conflict(String message) {
        return new ApiException(HttpStatus.CONFLICT, message);
    }

    public HttpStatus status() {
        return status;
    }
}
