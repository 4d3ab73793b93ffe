package org.kowalski.common.mongo;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Creates the collections of {@code database.collections} and, when {@code database.build_indexes} is
 * true, the indexes of {@code database.indexes}. Both steps are idempotent, so every service runs them
 * at start-up.
 */
public final class CollectionInitializer {

    private static final Logger log = LoggerFactory.getLogger(CollectionInitializer.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private CollectionInitializer() {}

    /** Creates the missing collections and indexes; an index that the store rejects is logged and skipped. */
    public static void initialize(MongoDatabase database, KowalskiConfig config) {
        Set<String> existing = new HashSet<>(
                Flux.from(database.listCollectionNames()).collectList().block(TIMEOUT));
        Set<String> wanted = new HashSet<>(config.database().collections().values());
        wanted.addAll(config.database().indexes().keySet());
        int created = 0;
        for (String name : wanted) {
            if (!existing.contains(name)) {
                Mono.from(database.createCollection(name)).block(TIMEOUT);
                created++;
            }
        }

        int indexes = 0;
        if (!Boolean.FALSE.equals(config.database().buildIndexes())) {
            for (Map.Entry<String, List<KowalskiConfig.IndexSpec>> entry :
                    config.database().indexes().entrySet()) {
                for (KowalskiConfig.IndexSpec spec : entry.getValue()) {
                    if (createIndex(database, entry.getKey(), spec)) {
                        indexes++;
                    }
                }
            }
        }
        log.info(
                "Store {} ready: {} collections created, {} indexes ensured",
                config.database().db(),
                created,
                indexes);
    }

    private static boolean createIndex(MongoDatabase database, String collection, KowalskiConfig.IndexSpec spec) {
        Document keys = new Document();
        for (List<Object> field : spec.fields()) {
            if (field.size() != 2) {
                log.warn(
                        "Index {} of {} has a field entry {} that is not a [field, direction] pair; skipped",
                        spec.name(),
                        collection,
                        field);
                return false;
            }
            keys.append(String.valueOf(field.get(0)), field.get(1));
        }
        IndexOptions options =
                new IndexOptions().name(spec.name()).unique(spec.isUnique()).background(true);
        try {
            Mono.from(database.getCollection(collection).createIndex(keys, options))
                    .block(TIMEOUT);
            return true;
        } catch (RuntimeException e) {
            log.warn("Creating index {} {} on {} failed: {}", spec.name(), keys.toJson(), collection, e.getMessage());
            return false;
        }
    }
}
