package org.kowalski.common.filter;

import com.mongodb.client.MongoDatabase;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.bson.Document;
import org.bson.types.Binary;
import org.kowalski.common.testing.AvroSamples;
import org.kowalski.common.testing.SharedData;

/**
 * Sample alerts prepared the way the broker stores them: the alert document without its history, and an
 * aux document with the history, for tests of the filters and SkyPortal posts.
 *
 * <p>TODO: build these with the broker's own decoding and storage code once it is in common.
 */
final class SampleAlerts {

    /** A decoded alert: the document to store, its previous candidates and its forced photometry. */
    record Sample(Document alert, List<Document> prvCandidates, List<Document> fpHists) {

        long candid() {
            return ((Number) alert.get("candid")).longValue();
        }

        String objectId() {
            return alert.containsKey("objectId") ? alert.getString("objectId") : alert.getString("objectid");
        }

        Document candidate() {
            return alert.get("candidate", Document.class);
        }
    }

    private SampleAlerts() {}

    static Sample read(String relativePath) {
        GenericRecord record =
                AvroSamples.read(SharedData.require(relativePath)).get(0);
        return fromRecord(record);
    }

    static List<Sample> readFolder(String relativePath) {
        List<Sample> samples = new ArrayList<>();
        for (GenericRecord record : AvroSamples.readFolder(SharedData.require(relativePath))) {
            samples.add(fromRecord(record));
        }
        return samples;
    }

    static Sample fromRecord(GenericRecord record) {
        Document alert = (Document) toBson(record);
        List<Document> prv = documents(alert.remove("prv_candidates"));
        List<Document> fp = documents(alert.remove("fp_hists"));
        fp.sort(Comparator.comparingDouble(point -> ((Number) point.get("jd")).doubleValue()));
        alert.put("classifications", new Document());
        return new Sample(alert, prv, fp);
    }

    /** Drops the keys whose value is null, -99999 or -99999.0, as the broker cleans forced photometry. */
    static List<Document> cleanForced(List<Document> points) {
        List<Document> cleaned = new ArrayList<>();
        for (Document point : points) {
            Document copy = new Document();
            point.forEach((key, value) -> {
                boolean missing = value == null || (value instanceof Number number && number.doubleValue() == -99999);
                if (!missing) {
                    copy.put(key, value);
                }
            });
            cleaned.add(copy);
        }
        return cleaned;
    }

    /** Adds the signal-to-noise ratio that the broker stores with each forced-photometry point. */
    static List<Document> withSnr(List<Document> points) {
        List<Document> result = new ArrayList<>();
        for (Document point : points) {
            Document copy = new Document(point);
            if (point.get("forcediffimflux") instanceof Number flux
                    && point.get("forcediffimfluxunc") instanceof Number error) {
                copy.put("snr", flux.doubleValue() / error.doubleValue());
            }
            result.add(copy);
        }
        return result;
    }

    /**
     * Stores an alert and its aux document: the previous candidates without null values, empty
     * cross-matches, and the first {@code fpFraction} of the cleaned forced photometry.
     */
    static void store(MongoDatabase database, String survey, Sample sample, double fpFraction) {
        String alerts = survey + "_alerts";
        database.getCollection(alerts).deleteMany(new Document("candid", sample.candid()));
        database.getCollection(alerts).insertOne(new Document(sample.alert()));
        List<Document> prv = new ArrayList<>();
        for (Document entry : sample.prvCandidates()) {
            Document copy = new Document();
            entry.forEach((key, value) -> {
                if (value != null) {
                    copy.put(key, value);
                }
            });
            prv.add(copy);
        }
        List<Document> fp = withSnr(cleanForced(sample.fpHists()));
        fp = new ArrayList<>(fp.subList(0, (int) (fpFraction * fp.size())));
        Document aux = new Document("_id", sample.objectId())
                .append("prv_candidates", prv)
                .append("cross_matches", new Document());
        if (!fp.isEmpty()) {
            aux.append("fp_hists", fp);
        }
        database.getCollection(alerts + "_aux").deleteMany(new Document("_id", sample.objectId()));
        database.getCollection(alerts + "_aux").insertOne(aux);
    }

    private static List<Document> documents(Object value) {
        List<Document> list = new ArrayList<>();
        if (value instanceof List<?> items) {
            for (Object item : items) {
                list.add((Document) item);
            }
        }
        return list;
    }

    private static Object toBson(Object value) {
        if (value instanceof GenericRecord record) {
            Document document = new Document();
            record.getSchema()
                    .getFields()
                    .forEach(field -> document.put(field.name(), toBson(record.get(field.pos()))));
            return document;
        }
        if (value instanceof GenericData.Array<?> || value instanceof List<?>) {
            List<Object> list = new ArrayList<>();
            for (Object item : (List<?>) value) {
                list.add(toBson(item));
            }
            return list;
        }
        if (value instanceof Map<?, ?> map) {
            Document document = new Document();
            map.forEach((key, item) -> document.put(String.valueOf(key), toBson(item)));
            return document;
        }
        if (value instanceof Utf8 || value instanceof GenericData.EnumSymbol) {
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
