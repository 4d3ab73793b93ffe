package org.kowalski.common.infra;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.util.List;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The embedded store's backend: mongo-java-server's H2 backend with three corrections to its
 * aggregations, so that pipelines behave as on MongoDB, and a position index.
 *
 * <ul>
 *   <li>Isolation. The H2 store hands out the very document objects it caches, and some aggregation
 *       stages ({@code $addFields} on an embedded document, {@code $mergeObjects}) change their input in
 *       place, so a user filter could alter stored alerts. Every document an aggregation reads, from its
 *       collection or through {@code $lookup} and {@code $graphLookup}, is a deep copy here.
 *   <li>Index use. mongo-java-server streams the whole collection into an aggregation and only then
 *       applies the first {@code $match}, so a filter that selects one alert by {@code candid} scanned
 *       every alert. When the first {@code $match} has a clause that a unique index can serve (such as
 *       {@code candid} or {@code _id}, by value or {@code $in}), only the documents of that clause are
 *       read; the whole {@code $match} still runs on them.
 *   <li>Position index. Each collection is a {@link SkyIndexedH2Collection}, which serves the range
 *       conditions on the stored position that the embedded sky queries send from an in-memory grid.
 *   <li>Stage forms. Pipelines are rewritten by {@link EmbeddedPipelines} into forms this server runs
 *       the same way as MongoDB: {@code $set} and {@code $replaceWith} as their aliases, dotted field
 *       names in {@code $addFields} as nested fields.
 * </ul>
 */
final class EmbeddedStoreBackend extends H2Backend {

    /** Map name prefixes of the H2 backend, kept identical so that existing store files open unchanged. */
    private static final String DATA_MAP_PREFIX = "databases.";

    private static final String META_MAP_PREFIX = "meta.";

    /** The index-served clause of the first {@code $match} of the aggregation running on this thread. */
    private static final ThreadLocal<Prefilter> PREFILTER = new ThreadLocal<>();

    EmbeddedStoreBackend(MVStore store) {
        super(store);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new Database(databaseName, getMvStore(), getCursorRegistry());
    }

    private record Prefilter(String collectionName, Document clause) {}

    /**
     * A database of this backend. An inner class, because the parent's constructor already opens
     * collections, before a field of this class could be set, and the store comes from the backend.
     */
    private final class Database extends H2Database {

        Database(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
            super(databaseName, store, cursorRegistry);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            MVStore mvStore = getMvStore();
            String fullName = getFullCollectionNamespace(collectionName);
            MVMap<Object, Document> dataMap = mvStore.openMap(DATA_MAP_PREFIX + fullName);
            MVMap<String, Object> metaMap = mvStore.openMap(META_MAP_PREFIX + fullName);
            return new Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry);
        }

        @Override
        public Document handleCommand(
                Channel channel, String command, Document query, DatabaseResolver resolver, Oplog oplog) {
            if (!"aggregate".equalsIgnoreCase(command) || !(query.get("pipeline") instanceof List<?> pipeline)) {
                return super.handleCommand(channel, command, query, resolver, oplog);
            }
            List<Object> rewritten = EmbeddedPipelines.rewrite(pipeline);
            query.put("pipeline", rewritten);
            String collectionName = String.valueOf(query.get(command));
            MongoCollection<Object> collection = resolveCollection(collectionName, false);
            Document clause = collection instanceof Collection indexed ? indexed.prefilterOf(rewritten) : null;
            if (clause == null) {
                return super.handleCommand(channel, command, query, resolver, oplog);
            }
            PREFILTER.set(new Prefilter(collectionName, clause));
            try {
                return super.handleCommand(channel, command, query, resolver, oplog);
            } finally {
                PREFILTER.remove();
            }
        }
    }

    private static final class Collection extends SkyIndexedH2Collection {

        Collection(
                MongoDatabase database,
                String collectionName,
                CollectionOptions options,
                MVMap<Object, Document> dataMap,
                MVMap<String, Object> metaMap,
                CursorRegistry cursorRegistry) {
            super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
        }

        /**
         * Returns the clause of the pipeline's first {@code $match} that one of this collection's unique
         * indexes can serve, or {@code null} when there is none.
         */
        Document prefilterOf(List<Object> pipeline) {
            if (pipeline.isEmpty()
                    || !(pipeline.get(0) instanceof Document first)
                    || !(first.get("$match") instanceof Document match)) {
                return null;
            }
            for (String key : match.keySet()) {
                if (key.startsWith("$")) {
                    continue;
                }
                Document clause = new Document(key, match.get(key));
                if (getIndexes().stream().anyMatch(index -> index.canHandle(clause))) {
                    return clause;
                }
            }
            return null;
        }

        @Override
        public Stream<Document> queryAllAsStream() {
            Prefilter prefilter = PREFILTER.get();
            if (prefilter != null && prefilter.collectionName().equals(getCollectionName())) {
                PREFILTER.remove();
                return super.handleQueryAsStream(prefilter.clause()).map(Document::cloneDeeply);
            }
            return super.queryAllAsStream().map(Document::cloneDeeply);
        }

        @Override
        public Stream<Document> handleQueryAsStream(Document query) {
            return super.handleQueryAsStream(query).map(Document::cloneDeeply);
        }
    }
}
