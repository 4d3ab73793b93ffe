package org.kowalski.api.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Parses request bodies as plain JSON, the way the Python original's {@code json.loads} reads them,
 * into the values the MongoDB driver stores: objects become {@link Document}s (keys in order, a
 * repeated key keeps its first position and its last value), arrays {@link List}s, integers
 * {@link Integer} when they fit in 32 bits and {@link Long} otherwise (never a double, so an alert
 * {@code candid} such as 1127561445515015011 stays exact), numbers with a fraction or exponent
 * {@link Double}. The bare tokens {@code NaN}, {@code Infinity} and {@code -Infinity} are accepted as
 * Python does. Extended JSON wrappers such as {@code {"$date": ...}} are not decoded.
 */
public final class RequestJson {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private RequestJson() {}

    /**
     * Reads the request body as UTF-8 and parses it as {@link #parse(String)} does, regardless of the
     * {@code Content-Type}, as the Python original read every body ({@code curl -d} sends JSON as
     * form data). An empty body is an empty string, which fails parsing with a 400.
     */
    public static Mono<Object> read(ServerWebExchange exchange) {
        return readText(exchange).map(RequestJson::parse);
    }

    /** Reads the request body and parses it as {@link #parseObject(String)} does. */
    public static Mono<Document> readObject(ServerWebExchange exchange) {
        return readText(exchange).map(RequestJson::parseObject);
    }

    private static Mono<String> readText(ServerWebExchange exchange) {
        return DataBufferUtils.join(exchange.getRequest().getBody())
                .map(buffer -> {
                    try {
                        return buffer.toString(StandardCharsets.UTF_8);
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .defaultIfEmpty("");
    }

    /**
     * Parses a JSON text of any kind (object, array, scalar).
     *
     * @throws ApiException 400 naming the position of the error, for empty or invalid JSON and for
     *     integers outside the 64-bit range
     */
    public static Object parse(String text) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("JSONDecodeError: the request body is empty;"
                    + " send a JSON object with Content-Type: application/json");
        }
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            Object value = readValue(parser, first);
            JsonToken extra = parser.nextToken();
            if (extra != null) {
                throw ApiException.badRequest("JSONDecodeError: extra data after the JSON value at "
                        + describe(parser.currentTokenLocation()) + "; send exactly one JSON value");
            }
            return value;
        } catch (JsonParseException e) {
            throw ApiException.badRequest("JSONDecodeError: " + e.getOriginalMessage() + " at "
                    + describe(e.getLocation()) + "; send valid JSON");
        } catch (IOException e) {
            throw ApiException.badRequest(
                    "JSONDecodeError: the request body cannot be read as JSON: " + e.getMessage());
        }
    }

    /**
     * Parses a JSON text that must be an object.
     *
     * @throws ApiException 400 for invalid JSON or a value that is not an object
     */
    public static Document parseObject(String text) {
        Object value = parse(text);
        if (value instanceof Document document) {
            return document;
        }
        throw ApiException.badRequest("The request body is a JSON " + PythonTypes.jsonTypeName(value)
                + ", but this route expects a JSON object such as {\"key\": \"value\"}");
    }

    private static Object readValue(JsonParser parser, JsonToken token) throws IOException {
        if (token == null) {
            throw ApiException.badRequest(
                    "JSONDecodeError: the request body ends before a JSON value;" + " send valid JSON");
        }
        return switch (token) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> readArray(parser);
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> readInteger(parser);
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default ->
                throw ApiException.badRequest("JSONDecodeError: unexpected " + token + " at "
                        + describe(parser.currentTokenLocation()) + "; send valid JSON");
        };
    }

    private static Object readInteger(JsonParser parser) throws IOException {
        return switch (parser.getNumberType()) {
            case INT -> parser.getIntValue();
            case LONG -> parser.getLongValue();
            default ->
                throw ApiException.badRequest("The integer " + parser.getText() + " at "
                        + describe(parser.currentTokenLocation())
                        + " does not fit in 64 bits, the largest integer MongoDB stores;"
                        + " send it as a string or a float");
        };
    }

    private static Document readObject(JsonParser parser) throws IOException {
        Document document = new Document();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            document.put(key, readValue(parser, parser.nextToken()));
        }
        if (token != JsonToken.END_OBJECT) {
            throw ApiException.badRequest("JSONDecodeError: unterminated object; send valid JSON");
        }
        return document;
    }

    private static List<Object> readArray(JsonParser parser) throws IOException {
        List<Object> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            items.add(readValue(parser, token));
        }
        return items;
    }

    private static String describe(JsonLocation location) {
        return "line " + location.getLineNr() + " column " + location.getColumnNr() + " (char "
                + Math.max(0, location.getCharOffset()) + ")";
    }
}
