package org.kowalski.api.testing;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.kowalski.common.alert.AlertMongifier;
import org.kowalski.common.alert.AvroDocuments;
import org.kowalski.common.testing.AvroSamples;
import org.kowalski.common.testing.SharedData;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Loads the public ZTF sample alerts into a collection the way the ZTF broker stores them, through the
 * broker's own decoding and mongification ({@link AlertMongifier}): the alert without its history,
 * cutouts as binary, and {@code coordinates} with the GeoJSON point {@code radec_geojson}. Loading
 * replaces alerts by {@code candid}, so several test classes may load the same collection.
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
        return AlertMongifier.mongify(AvroDocuments.toDocument(record), "objectId")
                .alert();
    }
}
