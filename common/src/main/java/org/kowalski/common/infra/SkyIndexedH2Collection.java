package org.kowalski.common.infra;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import java.util.Iterator;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An H2 collection that evaluates queries with numeric range conditions on the stored position
 * ({@code coordinates.radec_geojson.coordinates.0} and {@code .1}, as the embedded sky queries send)
 * from a {@link PositionGrid} instead of a scan: the grid yields the candidate keys, and the store's own
 * matcher, sort, skip, limit and projection run on those documents, in key order as a scan would visit
 * them, so the results are the scan's.
 *
 * <p>The grid is built on the first such query from one scan of the collection, then kept current by
 * every insert, update and delete, which all pass through {@link #addDocumentInternal}, {@link
 * #handleUpdate} and {@link #removeDocument(Object)} under the collection's lock. A dropped collection
 * takes its grid with it, and a restarted store builds the grid again on the first query.
 */
class SkyIndexedH2Collection extends H2Collection {

    private static final Logger log = LoggerFactory.getLogger(SkyIndexedH2Collection.class);

    /** A scan replaces the grid when a query spans more cells than this or ten per document, whichever is larger. */
    private static final long MIN_CELL_LIMIT = 10_000;

    private final MVMap<Object, Document> dataMap;

    /** The position index, {@code null} until the first positional query; guarded by {@code this}. */
    private PositionGrid grid;

    SkyIndexedH2Collection(
            MongoDatabase database,
            String collectionName,
            CollectionOptions options,
            MVMap<Object, Document> dataMap,
            MVMap<String, Object> metaMap,
            CursorRegistry cursorRegistry) {
        super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
        this.dataMap = dataMap;
    }

    @Override
    protected QueryResult queryDocuments(
            Document query, Document orderBy, int numberToSkip, int limit, int batchSize, Document fieldSelector) {
        synchronized (this) {
            List<Object> keys = candidateKeys(query, orderBy);
            if (keys == null) {
                return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            matchFirstDocument(query);
            return matchDocuments(query, keys, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
    }

    /**
     * Returns the keys of the documents that can match, in the store's key order, or {@code null} when
     * the query goes to the store's own path: another index handles it, it requests descending natural
     * order, it bounds no position, or its region is too large for the grid to help.
     */
    private List<Object> candidateKeys(Document query, Document orderBy) {
        if (query == null || isNaturalDescending(orderBy)) {
            return null;
        }
        for (Index<Object> index : getIndexes()) {
            if (index.canHandle(query)) {
                return null;
            }
        }
        List<SkyRectangle> region = PositionRegion.of(query);
        if (region == null) {
            return null;
        }
        if (grid == null) {
            grid = buildGrid();
        }
        long maxCells = Math.max(MIN_CELL_LIMIT, 10L * count());
        List<Object> keys = grid.candidates(region, maxCells);
        if (keys != null) {
            sortInKeyOrder(keys);
        }
        return keys;
    }

    /** Sorts store keys into the order in which a scan of the collection visits their documents. */
    final void sortInKeyOrder(List<Object> keys) {
        keys.sort(dataMap.getKeyType()::compare);
    }

    /**
     * Matches the query against the collection's first document and ignores the outcome. A query that
     * the matcher rejects (such as one with an unknown operator in the caller's filter) thus fails as a
     * scan fails at its first document, even when the grid yields no candidates.
     * NOTE: an error that only some later document outside the candidates would raise is not raised.
     */
    final void matchFirstDocument(Document query) {
        Object firstKey = dataMap.firstKey();
        if (firstKey != null) {
            documentMatchesQuery(dataMap.get(firstKey), query);
        }
    }

    private PositionGrid buildGrid() {
        long startNanos = System.nanoTime();
        PositionGrid built = new PositionGrid();
        Iterator<DocumentWithPosition<Object>> documents =
                streamAllDocumentsWithPosition().iterator();
        while (documents.hasNext()) {
            DocumentWithPosition<Object> next = documents.next();
            built.put(next.getPosition(), next.getDocument());
        }
        log.info(
                "Built the position index of {}: {} positions, {} irregular, in {} ms",
                getFullName(),
                built.regularCount(),
                built.irregularCount(),
                (System.nanoTime() - startNanos) / 1_000_000);
        return built;
    }

    @Override
    protected Object addDocumentInternal(Document document) {
        Object key = super.addDocumentInternal(document);
        synchronized (this) {
            if (grid != null) {
                grid.put(Missing.ofNullable(key), document);
            }
        }
        return key;
    }

    @Override
    protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
        super.handleUpdate(position, oldDocument, newDocument);
        synchronized (this) {
            if (grid != null) {
                grid.put(Missing.ofNullable(position), newDocument);
            }
        }
    }

    @Override
    protected void removeDocument(Object position) {
        super.removeDocument(position);
        synchronized (this) {
            if (grid != null) {
                grid.remove(Missing.ofNullable(position));
            }
        }
    }
}
