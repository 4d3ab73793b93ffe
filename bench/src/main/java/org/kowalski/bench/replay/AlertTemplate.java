package org.kowalski.bench.replay;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * One alert that the replayer copies: its decoded record, its original position and history positions,
 * and the Avro container header of its writer schema. Each copy is written as an object container with
 * that schema embedded, as alerts arrive on Kafka.
 *
 * <p>{@link #encode} edits the shared record in place and is therefore not thread-safe.
 */
final class AlertTemplate {

    private static final int SYNC_SIZE = 16;

    private final String name;
    private final GenericRecord record;
    private final String objectIdField;
    private final double raDeg;
    private final double decDeg;
    private final List<GenericRecord> history;
    private final double[] historyRaDeg;
    private final double[] historyDecDeg;
    private final byte[] header;
    private final byte[] sync;
    private final GenericDatumWriter<GenericRecord> writer;
    private final ByteArrayOutputStream datum = new ByteArrayOutputStream(128 * 1024);
    private BinaryEncoder encoder;

    AlertTemplate(String name, GenericRecord record) {
        this.name = name;
        this.record = record;
        Schema schema = record.getSchema();
        this.objectIdField = schema.getField("objectId") != null ? "objectId" : "objectid";
        GenericRecord candidate = (GenericRecord) record.get("candidate");
        this.raDeg = ((Number) candidate.get("ra")).doubleValue();
        this.decDeg = ((Number) candidate.get("dec")).doubleValue();

        List<GenericRecord> previous = new ArrayList<>();
        if (record.get("prv_candidates") instanceof List<?> items) {
            for (Object item : items) {
                if (item instanceof GenericRecord prv) {
                    previous.add(prv);
                }
            }
        }
        this.history = previous;
        this.historyRaDeg = new double[previous.size()];
        this.historyDecDeg = new double[previous.size()];
        for (int i = 0; i < previous.size(); i++) {
            historyRaDeg[i] = previous.get(i).get("ra") instanceof Number ra ? ra.doubleValue() : Double.NaN;
            historyDecDeg[i] = previous.get(i).get("dec") instanceof Number dec ? dec.doubleValue() : Double.NaN;
        }

        this.writer = new GenericDatumWriter<>(schema);
        this.header = containerHeader(schema);
        this.sync = Arrays.copyOfRange(header, header.length - SYNC_SIZE, header.length);
    }

    String name() {
        return name;
    }

    double raDeg() {
        return raDeg;
    }

    double decDeg() {
        return decDeg;
    }

    Schema schema() {
        return record.getSchema();
    }

    /** Returns the alert's {@code schemavsn} value, or the schema's name when it has none. */
    String schemaVersion() {
        Object version = record.getSchema().getField("schemavsn") == null ? null : record.get("schemavsn");
        return version == null ? record.getSchema().getFullName() : version.toString();
    }

    /**
     * Returns an Avro object container with this alert under a new candid, object id and position. The
     * previous candidates that have a position move by the same offset. Every other field keeps its value.
     */
    byte[] encode(long candid, String objectId, double newRaDeg, double newDecDeg) {
        record.put("candid", candid);
        record.put(objectIdField, objectId);
        GenericRecord candidate = (GenericRecord) record.get("candidate");
        if (candidate.getSchema().getField("candid") != null) {
            candidate.put("candid", candid);
        }
        candidate.put("ra", newRaDeg);
        candidate.put("dec", newDecDeg);
        double dRa = newRaDeg - raDeg;
        double dDec = newDecDeg - decDeg;
        for (int i = 0; i < history.size(); i++) {
            if (!Double.isNaN(historyRaDeg[i]) && !Double.isNaN(historyDecDeg[i])) {
                history.get(i).put("ra", wrapRa(historyRaDeg[i] + dRa));
                history.get(i).put("dec", clampDec(historyDecDeg[i] + dDec));
            }
        }
        return container();
    }

    private byte[] container() {
        try {
            datum.reset();
            encoder = EncoderFactory.get().binaryEncoder(datum, encoder);
            writer.write(record, encoder);
            encoder.flush();

            ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + datum.size() + 32);
            out.write(header);
            BinaryEncoder block = EncoderFactory.get().directBinaryEncoder(out, null);
            block.writeLong(1); // records in the block
            block.writeLong(datum.size()); // block size in bytes
            block.flush();
            datum.writeTo(out);
            out.write(sync);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a copy of sample alert " + name + " failed", e);
        }
    }

    /** Returns the header (magic, metadata with the schema and codec null, sync marker) of a container. */
    private static byte[] containerHeader(Schema schema) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> file = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
            file.setCodec(CodecFactory.nullCodec());
            file.create(schema, out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing an Avro container header failed", e);
        }
        return out.toByteArray();
    }

    static double wrapRa(double raDeg) {
        double wrapped = raDeg % 360.0;
        return wrapped < 0 ? wrapped + 360.0 : wrapped;
    }

    static double clampDec(double decDeg) {
        return Math.max(-90.0, Math.min(90.0, decDeg));
    }
}
