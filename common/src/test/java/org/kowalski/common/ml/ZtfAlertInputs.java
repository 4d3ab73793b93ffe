package org.kowalski.common.ml;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.kowalski.common.testing.AvroSamples;

/** Builds {@link AlertInput}s from the ZTF sample alert files, the way the broker passes decoded alerts. */
final class ZtfAlertInputs {

    private ZtfAlertInputs() {}

    static AlertInput read(Path file) {
        return fromRecord(AvroSamples.read(file).get(0));
    }

    static List<AlertInput> readFolder(Path folder) {
        return AvroSamples.readFolder(folder).stream()
                .map(ZtfAlertInputs::fromRecord)
                .toList();
    }

    static AlertInput fromRecord(GenericRecord alert) {
        List<Map<String, Object>> history = new ArrayList<>();
        Object previous = alert.get("prv_candidates");
        if (previous instanceof List<?> list) {
            for (Object entry : list) {
                history.add(toMap((GenericRecord) entry));
            }
        }
        return new AlertInput(
                alert.get("objectId").toString(),
                toMap((GenericRecord) alert.get("candidate")),
                history,
                stampData(alert, "cutoutScience"),
                stampData(alert, "cutoutTemplate"),
                stampData(alert, "cutoutDifference"));
    }

    static Map<String, Object> toMap(GenericRecord record) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            map.put(field.name(), value instanceof Utf8 ? value.toString() : value);
        }
        return map;
    }

    private static byte[] stampData(GenericRecord alert, String field) {
        ByteBuffer buffer = ((ByteBuffer) ((GenericRecord) alert.get(field)).get("stampData")).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
