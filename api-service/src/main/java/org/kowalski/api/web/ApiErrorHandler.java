package org.kowalski.api.web;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.bson.BsonSerializationException;
import org.bson.codecs.configuration.CodecConfigurationException;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.sky.InvalidSkyQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Turns every error into a JSON reply {@code {"status": "error", "message": ...}}: {@link ApiException}
 * with its own status, unknown routes as 404, wrong methods as 405 with an {@code Allow} header, bodies
 * over the limit as 413, and errors that MongoDB raises for a user's query (invalid operator, time limit
 * exceeded, duplicate key) as 400. Only faults of the server itself give 5xx, because penquins retries
 * 5xx three times. Runs before Spring Boot's own error handler.
 */
@Component
@Order(-2)
public class ApiErrorHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    private final long maxBodyBytes;

    public ApiErrorHandler(KowalskiConfig config) {
        this.maxBodyBytes = BodySizeLimitFilter.maxBodyBytes(config);
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error);
        }
        ApiException apiError = toApiException(exchange, error);
        logError(exchange, apiError, error);
        response.setStatusCode(apiError.status());
        if (error instanceof MethodNotAllowedException notAllowed) {
            response.getHeaders().setAllow(notAllowed.getSupportedMethods());
        }
        response.getHeaders().setContentType(ReplyWriter.JSON_UTF8);
        byte[] body = Reply.error(apiError.getMessage()).toJson().getBytes(StandardCharsets.UTF_8);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    /** Maps any error to the status and message of its reply. */
    ApiException toApiException(ServerWebExchange exchange, Throwable error) {
        if (error instanceof ApiException apiError) {
            return apiError;
        }
        if (hasCause(error, DataBufferLimitException.class)) {
            return BodySizeLimitFilter.tooLarge("more than " + maxBodyBytes + " bytes", maxBodyBytes);
        }
        String route = exchange.getRequest().getMethod() + " "
                + exchange.getRequest().getPath().value();
        if (error instanceof MethodNotAllowedException notAllowed) {
            String allowed = notAllowed.getSupportedMethods().stream()
                    .map(Object::toString)
                    .sorted()
                    .collect(Collectors.joining(", "));
            return new ApiException(
                    HttpStatus.METHOD_NOT_ALLOWED,
                    "Method Not Allowed: " + route + " is not a route; this path accepts " + allowed);
        }
        if (error instanceof InvalidSkyQueryException skyError) {
            return ApiException.badRequest("ValidationError: " + skyError.getMessage());
        }
        if (error instanceof ServerWebInputException input) {
            return ApiException.badRequest("Invalid request to " + route + ": " + input.getReason());
        }
        if (error instanceof ResponseStatusException statusError) {
            return fromStatus(statusError.getStatusCode(), statusError.getReason(), route);
        }
        return fromStoreError(error, route);
    }

    private static ApiException fromStatus(HttpStatusCode code, String reason, String route) {
        HttpStatus status = HttpStatus.resolve(code.value());
        if (status == HttpStatus.NOT_FOUND) {
            return ApiException.notFound("Not Found: no route " + route + "; the routes are listed at /docs/api/");
        }
        if (status == null) {
            status = code.is4xxClientError() ? HttpStatus.BAD_REQUEST : HttpStatus.INTERNAL_SERVER_ERROR;
        }
        String text = status.getReasonPhrase() + (reason == null ? "" : ": " + reason);
        return new ApiException(status, text);
    }

    private static ApiException fromStoreError(Throwable error, String route) {
        if (error instanceof MongoExecutionTimeoutException timeout) {
            return ApiException.badRequest("ExecutionTimeout: the query exceeded its time limit ("
                    + timeout.getMessage() + "); narrow the query or raise kwargs.max_time_ms");
        }
        if (error instanceof MongoCommandException command) {
            return ApiException.badRequest("OperationFailure: " + command.getErrorMessage() + " (code "
                    + command.getErrorCode() + (command.getErrorCodeName().isEmpty() ? "" : " ")
                    + command.getErrorCodeName() + "); correct the query");
        }
        if (error instanceof MongoWriteException write) {
            return ApiException.badRequest("WriteError: " + write.getError().getMessage() + " (code "
                    + write.getError().getCode() + ")");
        }
        if (error instanceof CodecConfigurationException || error instanceof BsonSerializationException) {
            return ApiException.badRequest(
                    "InvalidDocument: a value of the request cannot be stored in" + " MongoDB: " + error.getMessage());
        }
        if (error instanceof MongoTimeoutException || error instanceof MongoSocketException) {
            return new ApiException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "Service Unavailable: the database does not respond; try again later",
                    error);
        }
        return new ApiException(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "Internal Server Error while handling " + route + "; the server log has the details",
                error);
    }

    private static void logError(ServerWebExchange exchange, ApiException apiError, Throwable error) {
        String route = exchange.getRequest().getMethod() + " "
                + exchange.getRequest().getPath().value();
        if (apiError.status().is5xxServerError()) {
            log.error("{} failed with {}: {}", route, apiError.status().value(), error.toString(), error);
        } else if (log.isDebugEnabled()) {
            log.debug("{} rejected with {}: {}", route, apiError.status().value(), apiError.getMessage());
        }
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
