package org.kowalski.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads the sample alert files (Avro object container files) with Avro's generic reader.
 *
 * <p>The WINTER samples declare the field {@code sgmag1} twice in their embedded schema, which Avro's
 * {@link DataFileStream} rejects ("Duplicate field"). For such files this class parses the container header
 * itself and renames every repeated field to {@code <name>_duplicate}, which keeps the binary layout, so
 * the records decode. Only the {@code null} codec is supported on that path, which is what the samples use.
 */
public final class AvroSamples {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AvroSamples() {}

    /** Returns every record of every {@code .avro} file in a folder, files sorted by name. */
    public static List<GenericRecord> readFolder(Path folder) {
        List<GenericRecord> records = new ArrayList<>();
        for (Path file : avroFiles(folder)) {
            records.addAll(read(file));
        }
        return records;
    }

    /** Returns the {@code .avro} files of a folder, sorted by name. */
    public static List<Path> avroFiles(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".avro"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("failed to list " + folder, e);
        }
    }

    /** Returns the records of one Avro container file. */
    public static List<GenericRecord> read(Path file) {
        try {
            return readStandard(file);
        } catch (IOException | AvroRuntimeException e) {
            // Avro rejects the embedded schema (a duplicate field), so read the container with renamed fields.
            try {
                return readTolerant(file);
            } catch (RuntimeException tolerantFailure) {
                tolerantFailure.addSuppressed(e);
                throw tolerantFailure;
            }
        }
    }

    private static List<GenericRecord> readStandard(Path file) throws IOException {
        List<GenericRecord> records = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file);
                DataFileStream<GenericRecord> stream = new DataFileStream<>(in, new GenericDatumReader<>())) {
            stream.forEach(records::add);
        }
        return records;
    }

    private static List<GenericRecord> readTolerant(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(in, null);
            byte[] magic = new byte[4];
            decoder.readFixed(magic);
            if (magic[0] != 'O' || magic[1] != 'b' || magic[2] != 'j' || magic[3] != 1) {
                throw new AvroRuntimeException(file + " is not an Avro object container file");
            }

            Map<String, byte[]> metadata = new HashMap<>();
            for (long count = decoder.readMapStart(); count != 0; count = decoder.mapNext()) {
                for (long i = 0; i < count; i++) {
                    String key = decoder.readString();
                    ByteBuffer value = decoder.readBytes(null);
                    byte[] bytes = new byte[value.remaining()];
                    value.get(bytes);
                    metadata.put(key, bytes);
                }
            }
            byte[] codec = metadata.get("avro.codec");
            if (codec != null && !new String(codec, StandardCharsets.UTF_8).equals("null")) {
                throw new AvroRuntimeException(file + " uses a compression codec, which the tolerant reader lacks");
            }
            Schema schema = parseRenamingDuplicates(new String(metadata.get("avro.schema"), StandardCharsets.UTF_8));
            byte[] sync = new byte[16];
            decoder.readFixed(sync);

            GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
            List<GenericRecord> records = new ArrayList<>();
            while (!decoder.isEnd()) {
                long count = decoder.readLong();
                decoder.readLong(); // block size in bytes
                for (long i = 0; i < count; i++) {
                    records.add(reader.read(null, decoder));
                }
                decoder.readFixed(sync);
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read " + file, e);
        }
    }

    private static Schema parseRenamingDuplicates(String schemaJson) throws IOException {
        JsonNode root = JSON.readTree(schemaJson);
        renameDuplicateFields(root);
        return new Schema.Parser().setValidateDefaults(false).parse(JSON.writeValueAsString(root));
    }

    private static void renameDuplicateFields(JsonNode node) {
        if (node.isArray()) {
            node.forEach(AvroSamples::renameDuplicateFields);
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
                if (!names.add(name)) {
                    ((ObjectNode) field).put("name", name + "_duplicate");
                }
            }
        }
        node.forEach(AvroSamples::renameDuplicateFields);
    }
}
