package org.kowalski.common.infra;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.kowalski.common.infra.IndexedClauses.IndexedClause;

/**
 * The embedded store's backend: mongo-java-server's H2 backend with three corrections to its
 * aggregations, so that pipelines behave as on MongoDB, and a position index. It also has shortcuts
 * that give the H2 backend's results at a lower cost: two for writes, and one for aggregations that
 * share their leading stages.
 *
 * <ul>
 *   <li>Isolation. The H2 store hands out the very document objects it caches, and some aggregation
 *       stages ({@code $addFields} on an embedded document, {@code $mergeObjects}) change their input in
 *       place, so a user filter could alter stored alerts. Every document an aggregation reads, from its
 *       collection or through {@code $lookup} and {@code $graphLookup}, is a deep copy here. Updates
 *       rewrite the top level of the cached document they change, which H2's background writer may be
 *       serializing at the time, so they change a top-level copy here, and no cached document is ever
 *       changed after it was stored.
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
 *   <li>Shared joins. Aggregations whose first {@code $match} an index serves and that join another
 *       collection with {@code $lookup} share the output of their leading stages ({@link LookupPrefixCache}),
 *       as the user filters of one batch of alerts do. Each collection reports the documents it inserts,
 *       updates and deletes, and a write drops only the outputs that read one of them.
 *   <li>Adding to a set. A {@code $addToSet} with {@code $each} on a document selected by {@code _id}
 *       becomes a {@code $push} of the values the array lacks, found by hash instead of by comparing
 *       each value with every element ({@link AddToSetRewriter}).
 *   <li>Storage. New collections keep their documents as BSON ({@link BsonDocumentType}) instead of
 *       with Java serialization, and new unique indexes order their keys without serializing them
 *       ({@link IndexKeyType}). Collections and indexes of an older store file keep their encoding and order.
 * </ul>
 */
final class EmbeddedStoreBackend extends H2Backend {

    /** Map name prefixes of the H2 backend, kept identical so that existing store files open unchanged. */
    private static final String DATA_MAP_PREFIX = "databases.";

    private static final String META_MAP_PREFIX = "meta.";

    /** Key of a collection's meta map that names how its documents are encoded in the store file. */
    private static final String VALUE_ENCODING_KEY = "kowalski.valueEncoding";

    /** The value of {@link #VALUE_ENCODING_KEY} for documents stored by {@link BsonDocumentType}. */
    private static final String BSON_ENCODING = "bson";

    /** Infix of the H2 backend's index map names, between the collection's name and the index's name. */
    private static final String INDEX_MAP_INFIX = "._index_";

    /** Prefix of the meta map keys that name the key order of each index map, followed by the index name. */
    private static final String INDEX_KEY_ORDER_KEY_PREFIX = "kowalski.indexKeyOrder.";

    /** The value of an index's key order entry for a map ordered by {@link IndexKeyType}. */
    private static final String TYPED_KEY_ORDER = "typed";

    /** The index-served clause of the first {@code $match} of the aggregation running on this thread. */
    private static final ThreadLocal<Prefilter> PREFILTER = new ThreadLocal<>();

    /** The kept output of leading stages that the aggregation running on this thread reads instead. */
    private static final ThreadLocal<Source> SOURCE = new ThreadLocal<>();

    /** The reads of the leading stages being computed on this thread for {@link LookupPrefixCache}. */
    private static final ThreadLocal<LookupPrefixCache.Footprint> FOOTPRINT = new ThreadLocal<>();

    /**
     * Commands, in lower case, that change stored data only by inserting, updating and deleting documents.
     * An insert into a missing collection also creates it, which {@link Database} reports.
     */
    private static final Set<String> DOCUMENT_WRITE_COMMANDS = Set.of("insert", "update", "delete", "findandmodify");

    /** Commands, in lower case, that never change stored documents. Every other command may change them. */
    private static final Set<String> READ_COMMANDS = Set.of(
            "find",
            "count",
            "distinct",
            "getmore",
            "killcursors",
            "listcollections",
            "listindexes",
            "listdatabases",
            "hello",
            "ismaster",
            "ping",
            "buildinfo",
            "whatsmyuri",
            "endsessions",
            "getlasterror",
            "getlog",
            "serverstatus",
            "dbstats",
            "collstats");

    /**
     * Set while an update or find-and-modify on this thread selects the documents it changes. The H2
     * backend rewrites the top level of a selected document in place before it stores it again. That
     * document is the object the store caches, which H2's background writer may be serializing at that
     * moment, so such queries get top-level copies. The new values are built apart from the stored
     * document, so a top-level copy is enough.
     */
    private static final ThreadLocal<Boolean> SELECTING_FOR_UPDATE = new ThreadLocal<>();

    /**
     * The kept outputs, created on first use by {@link #prefixCache()}, because the parent's constructor
     * already opens the stored databases and collections, before a field initializer of this class runs.
     */
    private volatile LookupPrefixCache prefixCache;

    EmbeddedStoreBackend(MVStore store) {
        super(store);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new Database(databaseName, getMvStore(), getCursorRegistry());
    }

    /**
     * Runs the command. A command that may write in other ways than inserting, updating and deleting
     * documents drops the kept aggregation outputs before and after it, so that an output computed while
     * it ran is never used. The collections report each document that they insert, update or delete.
     */
    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        if (!mayWriteBesidesDocuments(command, query)) {
            return super.handleCommand(channel, databaseName, command, query);
        }
        prefixCache().recordWrite();
        try {
            return super.handleCommand(channel, databaseName, command, query);
        } finally {
            prefixCache().recordWrite();
        }
    }

    private LookupPrefixCache prefixCache() {
        LookupPrefixCache cache = prefixCache;
        if (cache == null) {
            synchronized (this) {
                cache = prefixCache;
                if (cache == null) {
                    cache = new LookupPrefixCache();
                    prefixCache = cache;
                }
            }
        }
        return cache;
    }

    /** Returns how many times the leading stages shared by aggregations have been computed since the start. */
    long keptPrefixComputations() {
        return prefixCache().computations();
    }

    /** Returns how many aggregations have run on a kept output of their leading stages since the start. */
    long keptPrefixHits() {
        return prefixCache().hits();
    }

    private static boolean mayWriteBesidesDocuments(String command, Document query) {
        String name = command.toLowerCase(Locale.ROOT);
        if (READ_COMMANDS.contains(name) || DOCUMENT_WRITE_COMMANDS.contains(name)) {
            return false;
        }
        if (!name.equals("aggregate") || !(query.get("pipeline") instanceof List<?> pipeline)) {
            return true;
        }
        for (Object stage : pipeline) {
            if (!(stage instanceof Document document)
                    || document.containsKey("$out")
                    || document.containsKey("$merge")) {
                return true;
            }
        }
        return false;
    }

    private record Prefilter(String collectionName, Document clause) {}

    private record Source(String collectionName, List<Document> documents) {}

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
            String dataMapName = DATA_MAP_PREFIX + fullName;
            boolean existing = mvStore.hasMap(dataMapName);
            MVMap<String, Object> metaMap = mvStore.openMap(META_MAP_PREFIX + fullName);
            MVMap<Object, Document> dataMap;
            if (!existing || BSON_ENCODING.equals(metaMap.get(VALUE_ENCODING_KEY))) {
                // New collections store BSON. A collection of an older store file keeps H2's Java serialization.
                dataMap = mvStore.openMap(
                        dataMapName, new MVMap.Builder<Object, Document>().valueType(BsonDocumentType.INSTANCE));
                metaMap.put(VALUE_ENCODING_KEY, BSON_ENCODING);
            } else {
                dataMap = mvStore.openMap(dataMapName);
            }
            // A $lookup of a collection that did not exist read nothing, so its kept output is outdated now.
            prefixCache().recordWrite();
            return new Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry, prefixCache());
        }

        /**
         * Opens a unique index on a map with {@link IndexKeyType}, or with H2's default key type when the map
         * was written with it by an older store file, and records the choice in the collection's meta map.
         */
        @Override
        protected Index<Object> openOrCreateUniqueIndex(
                String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            MVStore mvStore = getMvStore();
            String fullName = getFullCollectionNamespace(collectionName);
            String indexMapName = fullName + INDEX_MAP_INFIX + indexName;
            String orderKey = INDEX_KEY_ORDER_KEY_PREFIX + indexName;
            MVMap<String, Object> metaMap = mvStore.openMap(META_MAP_PREFIX + fullName);
            MVMap<KeyValue, Object> indexMap;
            if (!mvStore.hasMap(indexMapName) || TYPED_KEY_ORDER.equals(metaMap.get(orderKey))) {
                indexMap = mvStore.openMap(
                        indexMapName, new MVMap.Builder<KeyValue, Object>().keyType(new IndexKeyType()));
                metaMap.put(orderKey, TYPED_KEY_ORDER);
            } else {
                indexMap = mvStore.openMap(indexMapName);
            }
            return new EmbeddedUniqueIndex(indexMap, indexName, keys, sparse);
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
            int prefixLength = LookupPrefixCache.prefixLength(rewritten);
            if (prefixLength > 0 && !query.containsKey("let") && !query.containsKey("explain")) {
                Document reply = aggregateWithKeptPrefix(
                        channel, command, query, resolver, oplog, collection, clause, prefixLength);
                if (reply != null) {
                    return reply;
                }
            }
            PREFILTER.set(new Prefilter(collectionName, clause));
            try {
                return super.handleCommand(channel, command, query, resolver, oplog);
            } finally {
                PREFILTER.remove();
            }
        }

        /**
         * Runs the aggregation on the kept output of its leading stages, computing and keeping it first when
         * it is absent or outdated. Returns {@code null} when any step fails, so that the caller runs the
         * whole pipeline as usual and replies with the server's own error.
         */
        private Document aggregateWithKeptPrefix(
                Channel channel,
                String command,
                Document query,
                DatabaseResolver resolver,
                Oplog oplog,
                MongoCollection<Object> collection,
                Document clause,
                int prefixLength) {
            String collectionName = collection.getCollectionName();
            @SuppressWarnings("unchecked")
            List<Object> pipeline = (List<Object>) query.get("pipeline");
            LookupPrefixCache.Key key =
                    new LookupPrefixCache.Key(collection.getFullName(), List.copyOf(pipeline.subList(0, prefixLength)));
            List<Object> remainingStages = new ArrayList<>(pipeline.subList(prefixLength, pipeline.size()));
            LookupPrefixCache.Output output;
            try {
                output = prefixCache().outputOf(key, footprint -> {
                    PREFILTER.set(new Prefilter(collectionName, clause));
                    FOOTPRINT.set(footprint);
                    try {
                        return Aggregation.fromPipeline(key.stages(), resolver, this, collection, oplog)
                                .computeResult();
                    } finally {
                        PREFILTER.remove();
                        FOOTPRINT.remove();
                    }
                });
            } catch (RuntimeException e) {
                return null;
            }
            List<Document> prefixDocuments = output.documents();
            List<Document> source =
                    !output.shared() || ReadOnlyStages.leaveInputUnchanged(remainingStages, prefixDocuments)
                            ? new ArrayList<>(prefixDocuments)
                            : LookupPrefixCache.deepCopies(prefixDocuments);
            Document remaining = query.clone();
            remaining.put("pipeline", remainingStages);
            SOURCE.set(new Source(collectionName, source));
            try {
                return super.handleCommand(channel, command, remaining, resolver, oplog);
            } catch (RuntimeException e) {
                return null;
            } finally {
                SOURCE.remove();
            }
        }
    }

    private static final class Collection extends SkyIndexedH2Collection {

        private final LookupPrefixCache prefixCache;

        Collection(
                MongoDatabase database,
                String collectionName,
                CollectionOptions options,
                MVMap<Object, Document> dataMap,
                MVMap<String, Object> metaMap,
                CursorRegistry cursorRegistry,
                LookupPrefixCache prefixCache) {
            super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
            this.prefixCache = prefixCache;
        }

        @Override
        protected Object addDocumentInternal(Document document) {
            Object key = super.addDocumentInternal(document);
            updateDataSize(BsonSize.of(document));
            prefixCache.recordChange(getFullName(), null, document);
            return key;
        }

        @Override
        protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
            super.handleUpdate(position, oldDocument, newDocument);
            updateDataSize(BsonSize.of(newDocument) - BsonSize.of(oldDocument));
            prefixCache.recordChange(getFullName(), oldDocument, newDocument);
        }

        @Override
        protected void removeDocument(Object position) {
            Document removed = getDocument(position);
            super.removeDocument(position);
            if (removed != null) {
                updateDataSize(-BsonSize.of(removed));
            }
            prefixCache.recordChange(getFullName(), removed, null);
        }

        /**
         * Returns false, so that the H2 backend does not encode each written document to count the data
         * size: this collection counts it itself, with {@link BsonSize}, in the three methods above.
         */
        @Override
        protected boolean tracksDataSize() {
            return false;
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
            QueryResult result = selectDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            if (SELECTING_FOR_UPDATE.get() == null) {
                return result;
            }
            List<Document> copies = new ArrayList<>();
            result.forEach(document -> copies.add(document.clone()));
            return new QueryResult(copies, result.getCursorId());
        }

        private QueryResult selectDocuments(
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
         * Applies an update as the H2 backend does, on top-level copies of the stored documents, with a
         * {@code $addToSet} of many values on one document by {@code _id} rewritten by {@link
         * AddToSetRewriter} to the same result at a lower cost.
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
            SELECTING_FOR_UPDATE.set(Boolean.TRUE);
            try {
                return super.updateDocuments(selector, update, arrayFilters, isMulti, isUpsert, oplog);
            } finally {
                SELECTING_FOR_UPDATE.remove();
            }
        }

        /** Applies the find-and-modify as the H2 backend does, on top-level copies of the stored documents. */
        @Override
        public synchronized Document findAndModify(Document query) {
            SELECTING_FOR_UPDATE.set(Boolean.TRUE);
            try {
                return super.findAndModify(query);
            } finally {
                SELECTING_FOR_UPDATE.remove();
            }
        }

        /** Returns whether the selector names only {@code _id}, so an upsert starts from {@code _id} alone. */
        private boolean selectsOneId(Document selector) {
            return selector != null && selector.size() == 1 && selector.containsKey(getIdField());
        }

        @Override
        public Stream<Document> queryAllAsStream() {
            Source source = SOURCE.get();
            if (source != null && source.collectionName().equals(getCollectionName())) {
                SOURCE.remove();
                return source.documents().stream();
            }
            Prefilter prefilter = PREFILTER.get();
            LookupPrefixCache.Footprint footprint = FOOTPRINT.get();
            if (prefilter != null && prefilter.collectionName().equals(getCollectionName())) {
                PREFILTER.remove();
                if (footprint != null) {
                    footprint.recordQuery(getFullName(), prefilter.clause());
                }
                return super.handleQueryAsStream(prefilter.clause()).map(Document::cloneDeeply);
            }
            if (footprint != null) {
                footprint.recordScan(getFullName());
            }
            return super.queryAllAsStream().map(Document::cloneDeeply);
        }

        @Override
        public Stream<Document> handleQueryAsStream(Document query) {
            LookupPrefixCache.Footprint footprint = FOOTPRINT.get();
            if (footprint != null) {
                footprint.recordQuery(getFullName(), query);
            }
            return super.handleQueryAsStream(query).map(Document::cloneDeeply);
        }
    }
}
