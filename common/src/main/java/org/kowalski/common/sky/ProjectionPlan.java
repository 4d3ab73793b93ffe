package org.kowalski.common.sky;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The projection sent to the embedded store, which must return each document's position for the exact
 * distance check even when the caller's projection leaves it out, and the clean-up that then removes
 * what the caller's projection would not have returned.
 */
final class ProjectionPlan {

    /** The field the exact check reads: the stored {@code [longitude, latitude]} pair. */
    static final String POSITION_PATH = SkyQuery.GEO_FIELD + ".coordinates";

    private static final List<String> POSITION_ANCESTORS = List.of("coordinates", SkyQuery.GEO_FIELD, POSITION_PATH);

    private final Document requested;
    private final Document serverProjection;
    private final List<String> pathsToRemove;
    private final boolean inclusion;

    private ProjectionPlan(
            Document requested, Document serverProjection, List<String> pathsToRemove, boolean inclusion) {
        this.requested = requested;
        this.serverProjection = serverProjection;
        this.pathsToRemove = pathsToRemove;
        this.inclusion = inclusion;
    }

    /** Plans the projection for a caller's projection, {@code null} or empty meaning whole documents. */
    static ProjectionPlan of(Document requested) {
        if (requested == null || requested.isEmpty()) {
            return new ProjectionPlan(requested, null, List.of(), false);
        }
        if (isInclusion(requested)) {
            boolean covered = requested.entrySet().stream()
                    .anyMatch(e -> POSITION_ANCESTORS.contains(e.getKey()) && includes(e.getValue()));
            if (covered) {
                return new ProjectionPlan(requested, requested, List.of(), true);
            }
            Document server = new Document(requested);
            server.put(POSITION_PATH, 1);
            return new ProjectionPlan(requested, server, List.of(POSITION_PATH), true);
        }

        // An exclusion projection: keep the position on the server and remove excluded paths afterwards.
        Document server = new Document();
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, Object> entry : requested.entrySet()) {
            String path = entry.getKey();
            boolean touchesPosition = POSITION_ANCESTORS.contains(path) || path.startsWith(POSITION_PATH + ".");
            if (touchesPosition && isExclusion(entry.getValue())) {
                removed.add(path);
            } else {
                server.put(path, entry.getValue());
            }
        }
        return new ProjectionPlan(requested, server.isEmpty() ? null : server, removed, false);
    }

    /** Returns the projection for the store, {@code null} for whole documents. */
    Document serverProjection() {
        return serverProjection;
    }

    /** Removes from a returned document what the caller's projection would not have returned. */
    Document strip(Document document) {
        for (String path : pathsToRemove) {
            removePath(document, path);
            if (inclusion) {
                pruneEmptyParents(document, path);
            }
        }
        return document;
    }

    /**
     * Removes parents left empty by the removal of the added position, unless the caller's projection
     * named a field inside them, in which case MongoDB also returns the (possibly empty) parent.
     */
    private void pruneEmptyParents(Document document, String removedPath) {
        String parent = removedPath;
        while (parent.contains(".")) {
            parent = parent.substring(0, parent.lastIndexOf('.'));
            String prefix = parent + ".";
            boolean named = requested.keySet().stream().anyMatch(key -> key.startsWith(prefix));
            Object value = valueAt(document, parent);
            if (named || !(value instanceof Document nested) || !nested.isEmpty()) {
                return;
            }
            removePath(document, parent);
        }
    }

    private static boolean isInclusion(Document projection) {
        for (Map.Entry<String, Object> entry : projection.entrySet()) {
            if (!entry.getKey().equals("_id") && includes(entry.getValue())) {
                return true;
            }
        }
        // {_id: 1} alone is an inclusion that returns only _id.
        return projection.size() == 1 && projection.containsKey("_id") && includes(projection.get("_id"));
    }

    /** True for a value that includes its field: 1, true, or an expression other than a projection operator. */
    private static boolean includes(Object value) {
        if (value instanceof Number number) {
            return number.doubleValue() != 0;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        if (value instanceof Document operator) {
            return !(operator.containsKey("$slice")
                    || operator.containsKey("$elemMatch")
                    || operator.containsKey("$meta"));
        }
        return value != null;
    }

    private static boolean isExclusion(Object value) {
        return (value instanceof Number number && number.doubleValue() == 0) || Boolean.FALSE.equals(value);
    }

    /** Returns the value at a dotted path of nested documents, or {@code null}. */
    static Object valueAt(Document document, String path) {
        Object node = document;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Document nested)) {
                return null;
            }
            node = nested.get(part);
        }
        return node;
    }

    private static void removePath(Document document, String path) {
        int dot = path.lastIndexOf('.');
        Object parent = dot < 0 ? document : valueAt(document, path.substring(0, dot));
        if (parent instanceof Document nested) {
            nested.remove(path.substring(dot + 1));
        }
    }
}
