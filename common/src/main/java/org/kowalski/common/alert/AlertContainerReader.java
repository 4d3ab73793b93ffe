package org.kowalski.common.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads alerts from Avro object container bytes (magic {@code Obj\x01}, metadata with the writer
 * schema, then blocks of records), the format of every survey's Kafka messages. One message may hold
 * several records and several blocks.
 *
 * <p>The header is parsed here rather than by Avro's {@code DataFileStream} for two reasons:
 *
 * <ul>
 *   <li>the WINTER schema declares the field {@code sgmag1} twice, which Avro rejects; the second and
 *       later occurrences of a field name in a record are renamed {@code <name>_duplicate}, which keeps
 *       the binary layout and every value;
 *   <li>schemas with defaults that do not match their type (TURBO's {@code null} defaults on non-null
 *       fields) must parse, so default validation is off.
 * </ul>
 *
 * <p>Supported codecs: {@code null} and {@code deflate}. Parsed schemas are cached by their text, so a
 * stream of alerts with one schema parses it once. Instances are thread-safe.
 */
public final class AlertContainerReader {

    /** Suffix given to a repeated field name of a record schema. */
    public static final String DUPLICATE_FIELD_SUFFIX = "_duplicate";

    private static final byte[] MAGIC = {'O', 'b', 'j', 1};
    private static final int SYNC_SIZE = 16;
    private static final int MAX_CACHED_SCHEMAS = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();

    /**
     * The records read from one message. When {@code error} is set, the records before the unreadable
     * part are still listed.
     */
    public record Result(List<GenericRecord> records, AlertDecodingException error) {

        public boolean failed() {
            return error != null;
        }
    }

    /** Reads every record of a container; never throws for bad input, which is reported in the result. */
    public Result read(byte[] message) {
        List<GenericRecord> records = new ArrayList<>();
        if (message == null || message.length == 0) {
            return new Result(records, new AlertDecodingException("empty message: expected an Avro object container"));
        }
        try {
            readInto(message, records);
            if (records.isEmpty()) {
                return new Result(records, new AlertDecodingException("the Avro container holds no records"));
            }
            return new Result(records, null);
        } catch (AlertDecodingException e) {
            return new Result(records, e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Result(
                    records,
                    new AlertDecodingException(
                            "unreadable Avro container after " + records.size() + " records: " + reason, e));
        }
    }

    private void readInto(byte[] message, List<GenericRecord> records) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(message, null);
        byte[] magic = new byte[MAGIC.length];
        if (message.length < MAGIC.length + SYNC_SIZE) {
            throw new AlertDecodingException(
                    "message of " + message.length + " bytes is too short for an Avro object container");
        }
        decoder.readFixed(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new AlertDecodingException("not an Avro object container: the message does not start with Obj\\x01");
        }

        Map<String, byte[]> metadata = readMetadata(decoder, message.length);
        String codec = metadata.containsKey("avro.codec")
                ? new String(metadata.get("avro.codec"), StandardCharsets.UTF_8)
                : "null";
        if (!codec.equals("null") && !codec.equals("deflate")) {
            throw new AlertDecodingException(
                    "unsupported Avro codec '" + codec + "': alerts must use the null or deflate codec");
        }
        byte[] schemaBytes = metadata.get("avro.schema");
        if (schemaBytes == null) {
            throw new AlertDecodingException("the Avro container header has no avro.schema entry");
        }
        GenericDatumReader<GenericRecord> reader = readerFor(new String(schemaBytes, StandardCharsets.UTF_8));
        byte[] sync = new byte[SYNC_SIZE];
        decoder.readFixed(sync);

        byte[] blockSync = new byte[SYNC_SIZE];
        while (!decoder.isEnd()) {
            long count = decoder.readLong();
            long size = decoder.readLong();
            if (count < 0 || size < 0 || size > message.length) {
                throw new AlertDecodingException(
                        "corrupt Avro block header (" + count + " records in " + size + " bytes)");
            }
            byte[] block = new byte[(int) size];
            decoder.readFixed(block);
            decoder.readFixed(blockSync);
            if (!Arrays.equals(sync, blockSync)) {
                throw new AlertDecodingException("Avro block sync marker mismatch: the container is corrupt");
            }
            byte[] data = codec.equals("deflate") ? inflate(block) : block;
            BinaryDecoder blockDecoder = DecoderFactory.get().binaryDecoder(data, null);
            for (long i = 0; i < count; i++) {
                records.add(reader.read(null, blockDecoder));
            }
            if (!blockDecoder.isEnd()) {
                throw new AlertDecodingException("Avro block has bytes left after its " + count + " records");
            }
        }
    }

    private static Map<String, byte[]> readMetadata(BinaryDecoder decoder, int messageLength) throws IOException {
        Map<String, byte[]> metadata = new HashMap<>();
        for (long count = decoder.readMapStart(); count != 0; count = decoder.mapNext()) {
            if (count < 0 || count > messageLength) {
                throw new AlertDecodingException("corrupt Avro container header: " + count + " metadata entries");
            }
            for (long i = 0; i < count; i++) {
                String key = decoder.readString();
                ByteBuffer value = decoder.readBytes(null);
                byte[] bytes = new byte[value.remaining()];
                value.get(bytes);
                metadata.put(key, bytes);
            }
        }
        return metadata;
    }

    private static byte[] inflate(byte[] block) {
        Inflater inflater = new Inflater(true);
        inflater.setInput(block);
        ByteArrayOutputStream out = new ByteArrayOutputStream(block.length * 4);
        byte[] buffer = new byte[64 * 1024];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new AlertDecodingException("truncated deflate block in the Avro container");
                }
                out.write(buffer, 0, n);
            }
        } catch (DataFormatException e) {
            throw new AlertDecodingException("invalid deflate block in the Avro container: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        return out.toByteArray();
    }

    private GenericDatumReader<GenericRecord> readerFor(String schemaJson) {
        GenericDatumReader<GenericRecord> cached = readers.get(schemaJson);
        if (cached != null) {
            return cached;
        }
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(parseSchema(schemaJson));
        if (readers.size() >= MAX_CACHED_SCHEMAS) {
            readers.clear();
        }
        readers.put(schemaJson, reader);
        return reader;
    }

    /**
     * Parses a writer schema with default validation off, renaming repeated field names of a record to
     * {@code <name>_duplicate}.
     */
    public static Schema parseSchema(String schemaJson) {
        try {
            JsonNode root = JSON.readTree(schemaJson);
            renameDuplicateFields(root);
            return new Schema.Parser().setValidateDefaults(false).parse(JSON.writeValueAsString(root));
        } catch (IOException | RuntimeException e) {
            throw new AlertDecodingException("invalid Avro schema in the container header: " + e.getMessage(), e);
        }
    }

    private static void renameDuplicateFields(JsonNode node) {
        if (node.isArray()) {
            node.forEach(AlertContainerReader::renameDuplicateFields);
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode fields = node.get("fields");
        if (fields != null && fields.isArray()) {
            Set<String> names = new HashSet<>();
            for (JsonNode field : fields) {
                String name = field.path("name").asText();
                String unique = name;
                while (!names.add(unique)) {
                    unique = unique + DUPLICATE_FIELD_SUFFIX;
                }
                if (!unique.equals(name)) {
                    ((ObjectNode) field).put("name", unique);
                }
            }
        }
        node.forEach(AlertContainerReader::renameDuplicateFields);
    }
}
