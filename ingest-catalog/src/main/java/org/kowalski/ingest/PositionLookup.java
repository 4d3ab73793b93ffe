package org.kowalski.ingest;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import reactor.core.publisher.Flux;

/**
 * Looks up the positions of a batch of rows in another collection with one {@code $in} query per
 * batch, matching this catalog's {@code _id} against the source's id field.
 */
final class PositionLookup {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final MongoCollection<Document> source;
    private final IngestSettings.PositionSource settings;

    PositionLookup(MongoCollection<Document> source, IngestSettings.PositionSource settings) {
        this.source = source;
        this.settings = settings;
    }

    /** A position as the source collection stores it: numbers of degrees, or sexagesimal strings. */
    record Position(Object ra, Object dec) {}

    /** Returns the positions found, by id; ids without a document or without both fields are absent. */
    Map<Object, Position> find(List<Object> ids) {
        List<Document> found = Flux.from(source.find(Filters.in(settings.idField(), ids))
                        .projection(Projections.include(settings.idField(), settings.raField(), settings.decField())))
                .collectList()
                .block(TIMEOUT);
        Map<Object, Position> positions = new HashMap<>();
        if (found == null) {
            return positions;
        }
        for (Document document : found) {
            Object id = CatalogDocumentBuilder.normalizeId(valueAt(document, settings.idField()));
            Object ra = valueAt(document, settings.raField());
            Object dec = valueAt(document, settings.decField());
            if (id != null && ra != null && dec != null) {
                positions.put(id, new Position(ra, dec));
            }
        }
        return positions;
    }

    /** Returns the value at a dotted path such as {@code coordinates.ra}, or {@code null}. */
    private static Object valueAt(Document document, String path) {
        return path.contains(".")
                ? document.getEmbedded(Arrays.asList(path.split("\\.")), Object.class)
                : document.get(path);
    }
}
