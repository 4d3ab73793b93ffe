package org.kowalski.api.testing;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericArray;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.bson.Document;
import org.bson.types.Binary;
import org.kowalski.common.sky.Coordinates;
import org.kowalski.common.testing.AvroSamples;
import org.kowalski.common.testing.SharedData;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Loads the public ZTF sample alerts into a collection the way the ZTF broker stores them: the alert
 * record with its {@code candidate}, cutouts as binary, and {@code coordinates} with
 * {@code radec_str} and the GeoJSON point {@code radec_geojson}. Loading replaces alerts by
 * {@code candid}, so several test classes may load the same collection.
 */
public final class ZtfArchive {

    /** The sample folders, both needed for the acceptance values. */
    public static final List<String> FOLDERS = List.of("data/ztf_alerts/20200202", "data/ztf_alerts/20231012");

    private ZtfArchive() {}

    /** Returns every sample alert as stored, or skips the calling test when the samples are missing. */
    public static List<Document> alerts() {
        List<Document> alerts = new ArrayList<>();
        for (String folder : FOLDERS) {
            Path path = SharedData.require(folder);
            for (GenericRecord record : AvroSamples.readFolder(path)) {
                alerts.add(toStoredAlert(record));
            }
        }
        return alerts;
    }

    /** Loads the sample alerts into {@code collection} and returns them as stored. */
    public static List<Document> load(MongoDatabase database, String collection) {
        List<Document> alerts = alerts();
        MongoCollection<Document> target = database.getCollection(collection);
        Flux.fromIterable(alerts)
                .concatMap(alert -> Mono.from(target.replaceOne(
                        Filters.eq("candid", alert.get("candid")), alert, new ReplaceOptions().upsert(true))))
                .blockLast(Duration.ofSeconds(120));
        return alerts;
    }

    private static Document toStoredAlert(GenericRecord record) {
        Document alert = (Document) toBson(record);
        alert.remove("prv_candidates");
        alert.remove("fp_hists");
        Document candidate = (Document) alert.get("candidate");
        double raDeg = ((Number) candidate.get("ra")).doubleValue();
        double decDeg = ((Number) candidate.get("dec")).doubleValue();
        alert.put(
                "coordinates",
                new Document("radec_str", Coordinates.radecStr(raDeg, decDeg))
                        .append("radec_geojson", Coordinates.geoJsonPoint(raDeg, decDeg)));
        return alert;
    }

    /** Converts an Avro value to the Java types the MongoDB driver stores. */
    static Object toBson(Object value) {
        if (value instanceof GenericRecord record) {
            Document document = new Document();
            record.getSchema()
                    .getFields()
                    .forEach(field -> document.put(field.name(), toBson(record.get(field.pos()))));
            return document;
        }
        if (value instanceof GenericArray<?> || value instanceof List<?>) {
            List<Object> items = new ArrayList<>();
            ((Iterable<?>) value).forEach(item -> items.add(toBson(item)));
            return items;
        }
        if (value instanceof Map<?, ?> map) {
            Document document = new Document();
            map.forEach((key, item) -> document.put(key.toString(), toBson(item)));
            return document;
        }
        if (value instanceof Utf8 || value instanceof CharSequence) {
            return value.toString();
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return new Binary(bytes);
        }
        if (value instanceof Float number) {
            return number.doubleValue();
        }
        return value;
    }
}
