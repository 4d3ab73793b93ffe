package org.kowalski.common.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.kowalski.common.alert.AlertContainerReader;

/**
 * Sample alerts for tests: reads the public sample files and writes Avro containers from their records,
 * optionally with fresh ids, so that a test can stream alerts that no other test stored.
 */
public final class AlertFixtures {

    private static final AlertContainerReader READER = new AlertContainerReader();

    private AlertFixtures() {}

    /** Returns the bytes of a sample file under the shared data folder, skipping the test when it is absent. */
    public static byte[] bytes(String relativePath) {
        try {
            return Files.readAllBytes(SharedData.require(relativePath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the records of a container, failing the test when it does not decode. */
    public static List<GenericRecord> records(byte[] container) {
        AlertContainerReader.Result result = READER.read(container);
        if (result.failed()) {
            throw new AssertionError("sample alert does not decode", result.error());
        }
        return result.records();
    }

    /** Returns the first record of a sample file. */
    public static GenericRecord record(String relativePath) {
        return records(bytes(relativePath)).get(0);
    }

    /**
     * Returns a copy of a sample alert container with a new top-level {@code candid} (also set as {@code
     * candidate.candid}) and object id, everything else unchanged.
     */
    public static byte[] withIds(byte[] container, long candid, String objectId) {
        GenericRecord record = records(container).get(0);
        record.put("candid", candid);
        record.put(record.getSchema().getField("objectId") != null ? "objectId" : "objectid", objectId);
        if (record.get("candidate") instanceof GenericRecord candidate
                && candidate.getSchema().getField("candid") != null
                && candidate.getSchema().getField("candid").schema().getType() == Schema.Type.LONG) {
            candidate.put("candid", candid);
        }
        return container(List.of(record), CodecFactory.nullCodec());
    }

    /** Writes records of one schema into an Avro object container with the given codec. */
    public static byte[] container(List<GenericRecord> records, CodecFactory codec) {
        Schema schema = records.get(0).getSchema();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer =
                new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
            writer.setCodec(codec);
            writer.create(schema, out);
            for (GenericRecord record : records) {
                writer.append(record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
