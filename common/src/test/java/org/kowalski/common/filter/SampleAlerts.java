package org.kowalski.common.filter;

import com.mongodb.client.MongoDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.kowalski.common.alert.AlertMongifier;
import org.kowalski.common.alert.AlertStore;
import org.kowalski.common.alert.AvroDocuments;
import org.kowalski.common.alert.ForcedPhotometry;
import org.kowalski.common.alert.MongifiedAlert;
import org.kowalski.common.testing.AlertFixtures;
import org.kowalski.common.testing.AvroSamples;
import org.kowalski.common.testing.SharedData;

/** Sample ZTF alerts decoded and mongified by the broker's code, and stored as the original's tests store them. */
final class SampleAlerts {

    private SampleAlerts() {}

    static MongifiedAlert read(String relativePath) {
        return mongify(AlertFixtures.record(relativePath));
    }

    static List<MongifiedAlert> readFolder(String relativePath) {
        List<MongifiedAlert> alerts = new ArrayList<>();
        for (Path file : AvroSamples.avroFiles(SharedData.require(relativePath))) {
            try {
                alerts.add(
                        mongify(AlertFixtures.records(Files.readAllBytes(file)).get(0)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return alerts;
    }

    private static MongifiedAlert mongify(GenericRecord record) {
        return AlertMongifier.mongify(AvroDocuments.toDocument(record), "objectId");
    }

    /**
     * Stores an alert and its aux document as the original's tests do: the previous candidates without null
     * values, empty cross-matches, and the first {@code fpFraction} of the cleaned and formatted forced
     * photometry.
     */
    static void store(MongoDatabase database, String survey, MongifiedAlert alert, double fpFraction) {
        String alerts = survey + "_alerts";
        database.getCollection(alerts).deleteMany(new Document("candid", alert.candid()));
        database.getCollection(alerts).insertOne(new Document(alert.alert()));
        List<Document> fp = ForcedPhotometry.format(
                ForcedPhotometry.clean(alert.fpHists()),
                alert.candidate().getDouble("magpsf"),
                alert.candidate().getDouble("ra"),
                alert.candidate().getDouble("dec"));
        fp = new ArrayList<>(fp.subList(0, (int) (fpFraction * fp.size())));
        Document aux = new Document("_id", alert.objectId())
                .append("prv_candidates", AlertStore.withoutNulls(alert.prvCandidates()))
                .append("cross_matches", new Document());
        if (!fp.isEmpty()) {
            aux.append("fp_hists", fp);
        }
        database.getCollection(alerts + "_aux").deleteMany(new Document("_id", alert.objectId()));
        database.getCollection(alerts + "_aux").insertOne(aux);
    }
}
