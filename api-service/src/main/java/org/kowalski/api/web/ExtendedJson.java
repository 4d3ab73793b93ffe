package org.kowalski.api.web;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.bson.BsonBinarySubType;
import org.bson.BsonDbPointer;
import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.BsonValue;
import org.bson.types.Binary;
import org.bson.types.Code;
import org.bson.types.CodeWithScope;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;
import org.bson.types.Symbol;

/**
 * Writes MongoDB values as relaxed Extended JSON v2 exactly as pymongo 4.8's
 * {@code bson.json_util.dumps} does with its defaults, which penquins decodes with
 * {@code bson.json_util.loads}:
 *
 * <ul>
 *   <li>int32 and int64 as plain integers, written digit for digit;
 *   <li>doubles in Python {@code repr} form, NaN and infinities as {@code {"$numberDouble": "NaN"}};
 *   <li>{@code {"$oid": ...}}, {@code {"$date": "2020-02-02T05:21:03.123Z"}} (milliseconds only when
 *       non-zero) and {@code {"$date": {"$numberLong": ...}}} before 1970 or after year 9999;
 *   <li>{@code {"$binary": {"base64": ..., "subType": "00"}}}, {@code $numberDecimal},
 *       {@code $regularExpression}, {@code $timestamp}, {@code $minKey}, {@code $maxKey}, {@code $code};
 *   <li>Python's {@code json.dumps} layout: {@code ", "} and {@code ": "} separators, keys in insertion
 *       order, every character outside printable ASCII escaped as a lower-case {@code \}{@code uXXXX}.
 * </ul>
 *
 * Accepts the Java types the MongoDB driver decodes into ({@link org.bson.Document}, lists, boxed
 * numbers, {@link Date}, {@link ObjectId}, {@link Binary}, ...), any {@link BsonValue}, maps, iterables
 * and arrays.
 */
public final class ExtendedJson {

    private static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final long MAX_ISO_DATE_MS = 253402300799999L; // 9999-12-31T23:59:59.999Z
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ExtendedJson() {}

    /** Returns the relaxed Extended JSON text of a value. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        writeValue(out, value);
        return out.toString();
    }

    /** Appends the relaxed Extended JSON text of a value to {@code out}. */
    public static void writeValue(StringBuilder out, Object value) {
        if (value == null || value instanceof BsonUndefined) {
            out.append("null");
        } else if (value instanceof String text) {
            writeString(out, text);
        } else if (value instanceof Boolean flag) {
            out.append(flag ? "true" : "false");
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte
                || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            writeDouble(out, ((Number) value).doubleValue());
        } else if (value instanceof Map<?, ?> map) {
            writeObject(out, map);
        } else if (value instanceof Iterable<?> items) {
            writeArray(out, items);
        } else if (value instanceof BsonValue bson) {
            writeBson(out, bson);
        } else {
            writeSpecial(out, value);
        }
    }

    private static void writeSpecial(StringBuilder out, Object value) {
        if (value instanceof ObjectId id) {
            wrapper(out, "$oid").append('"').append(id.toHexString()).append("\"}");
        } else if (value instanceof Date date) {
            writeDate(out, date.getTime());
        } else if (value instanceof Instant instant) {
            writeDate(out, instant.toEpochMilli());
        } else if (value instanceof Binary binary) {
            writeBinary(out, binary.getData(), binary.getType());
        } else if (value instanceof byte[] bytes) {
            writeBinary(out, bytes, BsonBinarySubType.BINARY.getValue());
        } else if (value instanceof UUID uuid) {
            ByteBuffer bytes = ByteBuffer.allocate(16);
            bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            writeBinary(out, bytes.array(), BsonBinarySubType.UUID_STANDARD.getValue());
        } else if (value instanceof Decimal128 || value instanceof BigDecimal) {
            wrapper(out, "$numberDecimal");
            writeString(out, value.toString());
            out.append('}');
        } else if (value instanceof BsonRegularExpression regex) {
            writeRegex(out, regex.getPattern(), regex.getOptions());
        } else if (value instanceof Pattern pattern) {
            writeRegex(out, pattern.pattern(), regexOptions(pattern.flags()));
        } else if (value instanceof BsonTimestamp timestamp) {
            out.append("{\"$timestamp\": {\"t\": ")
                    .append(Integer.toUnsignedLong(timestamp.getTime()))
                    .append(", \"i\": ")
                    .append(Integer.toUnsignedLong(timestamp.getInc()))
                    .append("}}");
        } else if (value instanceof MinKey) {
            out.append("{\"$minKey\": 1}");
        } else if (value instanceof MaxKey) {
            out.append("{\"$maxKey\": 1}");
        } else if (value instanceof CodeWithScope code) {
            wrapper(out, "$code");
            writeString(out, code.getCode());
            out.append(", \"$scope\": ");
            writeObject(out, code.getScope());
            out.append('}');
        } else if (value instanceof Code code) {
            wrapper(out, "$code");
            writeString(out, code.getCode());
            out.append('}');
        } else if (value instanceof Symbol symbol) {
            writeString(out, symbol.getSymbol());
        } else if (value instanceof BsonDbPointer pointer) {
            // pymongo decodes a DBPointer into a DBRef.
            out.append("{\"$ref\": ");
            writeString(out, pointer.getNamespace());
            out.append(", \"$id\": ");
            writeSpecial(out, pointer.getId());
            out.append('}');
        } else if (value.getClass().isArray()) {
            out.append('[');
            int length = Array.getLength(value);
            for (int i = 0; i < length; i++) {
                if (i > 0) {
                    out.append(", ");
                }
                writeValue(out, Array.get(value, i));
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("Cannot write a value of type "
                    + value.getClass().getName() + " as Extended JSON: convert it to a BSON type first");
        }
    }

    private static void writeBson(StringBuilder out, BsonValue value) {
        switch (value.getBsonType()) {
            case DOCUMENT -> writeObject(out, value.asDocument());
            case ARRAY -> writeArray(out, value.asArray());
            case STRING -> writeString(out, value.asString().getValue());
            case INT32 -> out.append(value.asInt32().getValue());
            case INT64 -> out.append(value.asInt64().getValue());
            case DOUBLE -> writeDouble(out, value.asDouble().getValue());
            case BOOLEAN -> out.append(value.asBoolean().getValue() ? "true" : "false");
            case NULL, UNDEFINED -> out.append("null");
            case OBJECT_ID -> writeSpecial(out, value.asObjectId().getValue());
            case DATE_TIME -> writeDate(out, value.asDateTime().getValue());
            case BINARY ->
                writeBinary(out, value.asBinary().getData(), value.asBinary().getType());
            case DECIMAL128 -> writeSpecial(out, value.asDecimal128().getValue());
            case REGULAR_EXPRESSION -> writeSpecial(out, value.asRegularExpression());
            case TIMESTAMP -> writeSpecial(out, value.asTimestamp());
            case MIN_KEY -> out.append("{\"$minKey\": 1}");
            case MAX_KEY -> out.append("{\"$maxKey\": 1}");
            case JAVASCRIPT -> writeSpecial(out, new Code(value.asJavaScript().getCode()));
            case JAVASCRIPT_WITH_SCOPE -> {
                wrapper(out, "$code");
                writeString(out, value.asJavaScriptWithScope().getCode());
                out.append(", \"$scope\": ");
                writeObject(out, value.asJavaScriptWithScope().getScope());
                out.append('}');
            }
            case SYMBOL -> writeString(out, value.asSymbol().getSymbol());
            case DB_POINTER -> writeSpecial(out, value.asDBPointer());
            default ->
                throw new IllegalArgumentException(
                        "Cannot write BSON type " + value.getBsonType() + " as Extended JSON");
        }
    }

    private static void writeObject(StringBuilder out, Map<?, ?> map) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            writeString(out, String.valueOf(entry.getKey()));
            out.append(": ");
            writeValue(out, entry.getValue());
        }
        out.append('}');
    }

    private static void writeArray(StringBuilder out, Iterable<?> items) {
        out.append('[');
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            writeValue(out, item);
        }
        out.append(']');
    }

    private static void writeDouble(StringBuilder out, double value) {
        if (Double.isNaN(value)) {
            out.append("{\"$numberDouble\": \"NaN\"}");
        } else if (Double.isInfinite(value)) {
            out.append(value > 0 ? "{\"$numberDouble\": \"Infinity\"}" : "{\"$numberDouble\": \"-Infinity\"}");
        } else {
            out.append(PythonFloats.repr(value));
        }
    }

    private static void writeDate(StringBuilder out, long epochMs) {
        if (epochMs < 0 || epochMs > MAX_ISO_DATE_MS) {
            out.append("{\"$date\": {\"$numberLong\": \"").append(epochMs).append("\"}}");
            return;
        }
        LocalDateTime time = LocalDateTime.ofEpochSecond(
                Math.floorDiv(epochMs, 1000L), (int) Math.floorMod(epochMs, 1000L) * 1_000_000, ZoneOffset.UTC);
        out.append("{\"$date\": \"").append(ISO_SECONDS.format(time));
        long millis = Math.floorMod(epochMs, 1000L);
        if (millis != 0) {
            out.append('.').append(String.format("%03d", millis));
        }
        out.append("Z\"}");
    }

    private static void writeBinary(StringBuilder out, byte[] data, byte subType) {
        out.append("{\"$binary\": {\"base64\": \"")
                .append(Base64.getEncoder().encodeToString(data))
                .append("\", \"subType\": \"")
                .append(HexFormat.of().toHexDigits(subType))
                .append("\"}}");
    }

    private static void writeRegex(StringBuilder out, String pattern, String options) {
        out.append("{\"$regularExpression\": {\"pattern\": ");
        writeString(out, pattern);
        out.append(", \"options\": ");
        char[] sorted = options.toCharArray();
        java.util.Arrays.sort(sorted);
        writeString(out, new String(sorted));
        out.append("}}");
    }

    private static String regexOptions(int flags) {
        StringBuilder options = new StringBuilder();
        if ((flags & Pattern.CASE_INSENSITIVE) != 0) {
            options.append('i');
        }
        if ((flags & Pattern.MULTILINE) != 0) {
            options.append('m');
        }
        if ((flags & Pattern.DOTALL) != 0) {
            options.append('s');
        }
        if ((flags & Pattern.UNICODE_CHARACTER_CLASS) != 0) {
            options.append('u');
        }
        if ((flags & Pattern.COMMENTS) != 0) {
            options.append('x');
        }
        return options.toString();
    }

    private static StringBuilder wrapper(StringBuilder out, String key) {
        return out.append("{\"").append(key).append("\": ");
    }

    /** Appends a JSON string with Python's {@code ensure_ascii} escaping. */
    static void writeString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append("\\u")
                                .append(HEX[(c >> 12) & 0xf])
                                .append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf])
                                .append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
