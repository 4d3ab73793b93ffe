package org.kowalski.api.testing;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.kowalski.common.sky.Coordinates;
import org.kowalski.common.testing.AvroSamples;
import org.kowalski.common.testing.SharedData;
import reactor.core.publisher.Mono;

/**
 * Stores the public ZTF sample alerts (folders {@code 20200202} and {@code 20231012}, 36 alerts) in the
 * API's store, shaped as the broker stores them: the packet without its history, plus
 * {@code coordinates.radec_str} and {@code coordinates.radec_geojson}. Storing is idempotent (upserts
 * by candid), so every test class may call {@link #ensureZtf}.
 */
public final class SampleAlerts {

    public static final List<String> ZTF_FOLDERS = List.of("data/ztf_alerts/20200202", "data/ztf_alerts/20231012");

    private static final Object LOCK = new Object();

    private SampleAlerts() {}

    /** Returns the ZTF sample alerts as documents, in file order, or skips the test without the data. */
    public static List<Document> ztfDocuments() {
        List<Document> documents = new ArrayList<>();
        for (String folder : ZTF_FOLDERS) {
            Path path = SharedData.require(folder);
            for (GenericRecord record : AvroSamples.readFolder(path)) {
                documents.add(alertDocument(record));
            }
        }
        return documents;
    }

    /** Stores the ZTF sample alerts in {@code ZTF_alerts} unless they are there, and returns them. */
    public static List<Document> ensureZtf(MongoDatabase database) {
        List<Document> documents = ztfDocuments();
        synchronized (LOCK) {
            List<WriteModel<Document>> writes = new ArrayList<>();
            for (Document document : documents) {
                writes.add(new ReplaceOneModel<>(
                        Filters.eq("candid", document.getLong("candid")), document, new ReplaceOptions().upsert(true)));
            }
            Mono.from(database.getCollection("ZTF_alerts").bulkWrite(writes)).block(Duration.ofSeconds(60));
        }
        return documents;
    }

    // TODO: store the samples with the broker's own conversion once it is in common.
    private static Document alertDocument(GenericRecord record) {
        Document document = (Document) toBson(record);
        document.remove("prv_candidates");
        document.remove("fp_hists");
        Document candidate = document.get("candidate", Document.class);
        double ra = candidate.getDouble("ra");
        double dec = candidate.getDouble("dec");
        document.put(
                "coordinates",
                new Document("radec_str", Coordinates.radecStr(ra, dec))
                        .append("radec_geojson", Coordinates.geoJsonPoint(ra, dec)));
        return document;
    }

    private static Object toBson(Object value) {
        if (value instanceof GenericRecord record) {
            Document document = new Document();
            record.getSchema()
                    .getFields()
                    .forEach(field -> document.put(field.name(), toBson(record.get(field.pos()))));
            return document;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        if (value instanceof GenericData.Fixed fixed) {
            return fixed.bytes();
        }
        if (value instanceof List<?> list) {
            List<Object> items = new ArrayList<>(list.size());
            list.forEach(item -> items.add(toBson(item)));
            return items;
        }
        if (value instanceof Map<?, ?> map) {
            Document document = new Document();
            map.forEach((key, item) -> document.put(key.toString(), toBson(item)));
            return document;
        }
        if (value instanceof Float number) {
            return number.doubleValue();
        }
        if (value instanceof CharSequence || value instanceof GenericData.EnumSymbol) {
            return value.toString();
        }
        return value;
    }
}
