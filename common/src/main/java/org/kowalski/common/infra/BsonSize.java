package org.kowalski.common.infra;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonJavaScript;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.wire.BsonConstants;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import java.util.Collection;
import java.util.Map;

/**
 * Computes the number of bytes a document takes as BSON, the size the embedded server's encoder would
 * write, by a walk over its values that allocates nothing. The H2 backend instead encodes each inserted,
 * updated and deleted document in full to keep the collection's data size, which {@code collStats}
 * reports; in a flight recording of the broker benchmark that encoding took 15% of the embedded server's
 * time.
 */
final class BsonSize {

    /** Bytes of a document's length prefix and terminating byte. */
    private static final int DOCUMENT_FRAME_BYTES = 5;

    /** Bytes of a UUID stored as binary data: length, subtype and 16 bytes. */
    private static final int UUID_BYTES = 4 + 1 + 16;

    private BsonSize() {}

    /** Returns the BSON size of the document in bytes. */
    static int of(Map<String, ?> document) {
        int bytes = DOCUMENT_FRAME_BYTES;
        for (Map.Entry<String, ?> field : document.entrySet()) {
            bytes += 1 + utf8Length(field.getKey()) + 1 + valueBytes(field.getValue());
        }
        return bytes;
    }

    /** Returns the BSON size of an array, a document whose keys are the indexes "0", "1" and so on. */
    private static int ofArray(Collection<?> values) {
        int bytes = DOCUMENT_FRAME_BYTES;
        int index = 0;
        for (Object value : values) {
            bytes += 1 + decimalDigits(index) + 1 + valueBytes(value);
            index++;
        }
        return bytes;
    }

    private static int valueBytes(Object value) {
        byte type = BsonEncoder.determineType(value);
        return switch (type) {
            case BsonConstants.TYPE_DOUBLE,
                    BsonConstants.TYPE_INT64,
                    BsonConstants.TYPE_UTC_DATETIME,
                    BsonConstants.TYPE_TIMESTAMP -> 8;
            case BsonConstants.TYPE_INT32 -> 4;
            case BsonConstants.TYPE_BOOLEAN -> 1;
            case BsonConstants.TYPE_OBJECT_ID -> 12;
            case BsonConstants.TYPE_DECIMAL128 -> 16;
            case BsonConstants.TYPE_NULL,
                    BsonConstants.TYPE_UNDEFINED,
                    BsonConstants.TYPE_MIN_KEY,
                    BsonConstants.TYPE_MAX_KEY -> 0;
            case BsonConstants.TYPE_UTF8_STRING -> stringBytes(value.toString());
            case BsonConstants.TYPE_JAVASCRIPT_CODE -> stringBytes(((BsonJavaScript) value).getCode());
            case BsonConstants.TYPE_EMBEDDED_DOCUMENT -> {
                @SuppressWarnings("unchecked")
                Map<String, ?> document = (Map<String, ?>) value;
                yield of(document);
            }
            case BsonConstants.TYPE_ARRAY -> ofArray((Collection<?>) value);
            case BsonConstants.TYPE_DATA -> value instanceof BinData data ? 4 + 1 + data.getData().length : UUID_BYTES;
            case BsonConstants.TYPE_REGEX -> {
                BsonRegularExpression pattern = (BsonRegularExpression) value;
                yield utf8Length(pattern.getPattern()) + 1 + utf8Length(pattern.getOptions()) + 1;
            }
            default ->
                throw new IllegalArgumentException(
                        "Unsupported value type " + value.getClass() + ": the embedded store keeps only BSON types");
        };
    }

    /** Returns the bytes of a BSON string: length prefix, UTF-8 bytes and terminating byte. */
    private static int stringBytes(String text) {
        return 4 + utf8Length(text) + 1;
    }

    /**
     * Returns the length of the text in UTF-8 as {@link String#getBytes} encodes it, where an unpaired
     * surrogate becomes one replacement byte.
     */
    static int utf8Length(String text) {
        int bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static int decimalDigits(int index) {
        int digits = 1;
        for (int rest = index; rest >= 10; rest /= 10) {
            digits++;
        }
        return digits;
    }
}
