package org.kowalski.common.infra;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.kowalski.common.infra.IndexedClauses.IndexedClause;

/**
 * The embedded store's backend: mongo-java-server's H2 backend with three corrections to its
 * aggregations, so that pipelines behave as on MongoDB, a position index, and two shortcuts for writes
 * that give the H2 backend's results at a lower cost.
 *
 * <ul>
 *   <li>Isolation. The H2 store hands out the very document objects it caches, and some aggregation
 *       stages ({@code $addFields} on an embedded document, {@code $mergeObjects}) change their input in
 *       place, so a user filter could alter stored alerts. Every document an aggregation reads, from its
 *       collection or through {@code $lookup} and {@code $graphLookup}, is a deep copy here.
 *   <li>Index use. mongo-java-server streams the whole collection into an aggregation and only then
 *       applies the first {@code $match}, so a filter that selects one alert by {@code candid} scanned
 *       every alert. When the first {@code $match} has a clause that a unique index can serve (such as
 *       {@code candid} or {@code _id}, by value or {@code $in}, also inside {@code $and}), only the
 *       documents of that clause are read, and the whole {@code $match} still runs on them. Finds, counts,
 *       updates and deletes whose filter has such a clause beside other conditions do the same, where
 *       the H2 backend scanned the collection (see {@link IndexedClauses}).
 *   <li>Position index. Each collection is a {@link SkyIndexedH2Collection}, which serves the range
 *       conditions on the stored position that the embedded sky queries send from an in-memory grid.
 *   <li>Stage forms. Pipelines are rewritten by {@link EmbeddedPipelines} into forms this server runs
 *       the same way as MongoDB: {@code $set} and {@code $replaceWith} as their aliases, dotted field
 *       names in {@code $addFields} as nested fields.
 *   <li>Adding to a set. A {@code $addToSet} with {@code $each} on a document selected by {@code _id}
 *       becomes a {@code $push} of the values the array lacks, found by hash instead of by comparing
 *       each value with every element ({@link AddToSetRewriter}).
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
            IndexedClause served = IndexedClauses.find(match, getIndexes());
            return served == null ? null : served.clause();
        }

        /**
         * Reads only the documents of an index-served conjunct when no index serves the whole query, and
         * matches the whole query on them in the scan's order, so the result is the scan's.
         */
        @Override
        protected QueryResult queryDocuments(
                Document query, Document orderBy, int numberToSkip, int limit, int batchSize, Document fieldSelector) {
            synchronized (this) {
                List<Index<Object>> indexes = getIndexes();
                IndexedClause served =
                        query == null || isNaturalDescending(orderBy) ? null : IndexedClauses.find(query, indexes);
                if (served == null || IndexedClauses.servesWholeQuery(query, indexes)) {
                    return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
                }
                List<Object> keys = new ArrayList<>();
                served.index().getPositions(served.clause()).forEach(keys::add);
                sortInKeyOrder(keys);
                matchFirstDocument(query);
                return matchDocuments(query, keys, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
        }

        /**
         * Applies an update as the H2 backend does, with a {@code $addToSet} of many values on one document
         * by {@code _id} rewritten by {@link AddToSetRewriter} to the same result at a lower cost.
         */
        @Override
        public synchronized Document updateDocuments(
                Document selector,
                Document updateQuery,
                ArrayFilters arrayFilters,
                boolean isMulti,
                boolean isUpsert,
                Oplog oplog) {
            Document update = updateQuery;
            if (!isMulti && AddToSetRewriter.applies(updateQuery) && selectsOneId(selector)) {
                Document current = null;
                for (Document document : queryDocuments(selector, null, 0, 0, 0, null)) {
                    current = document;
                    break;
                }
                update = AddToSetRewriter.rewrite(updateQuery, current);
            }
            return super.updateDocuments(selector, update, arrayFilters, isMulti, isUpsert, oplog);
        }

        /** Returns whether the selector names only {@code _id}, so an upsert starts from {@code _id} alone. */
        private boolean selectsOneId(Document selector) {
            return selector != null && selector.size() == 1 && selector.containsKey(getIdField());
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
