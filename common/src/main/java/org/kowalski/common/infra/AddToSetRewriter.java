package org.kowalski.common.infra;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Rewrites {@code $addToSet} with {@code $each} into {@code $push} of only the values that the array
 * lacks, for an update of one known document.
 *
 * <p>mongo-java-server 1.47 tests each added value against every array element with {@code equals}, so
 * adding m documents to an array of n costs n × m document comparisons, and each comparison copies
 * both key lists. An object's history ({@code prv_candidates}) grows with every alert, which made this
 * the largest cost of the aux update. Here the array's elements are grouped by a hash that is equal for
 * all values that {@code equals} calls equal, and each added value is compared only with the elements of
 * its group. The values found absent, in their order of first occurrence, are exactly those that the server's
 * {@code $addToSet} appends, so {@code $push} of them stores the same array.
 *
 * <p>Equality is the server's own {@code equals}: key order matters in documents, and {@code 1} and
 * {@code 1.0} differ, unlike on MongoDB. The rewrite keeps those semantics rather than MongoDB's.
 */
final class AddToSetRewriter {

    private static final String ADD_TO_SET = "$addToSet";
    private static final String PUSH = "$push";
    private static final String EACH = "$each";

    private AddToSetRewriter() {}

    /** Returns whether the update has a {@code $addToSet} that {@link #rewrite} may change. */
    static boolean applies(Document update) {
        return update.get(ADD_TO_SET) instanceof Document && !update.containsKey(PUSH);
    }

    /**
     * Returns the update with its {@code $addToSet} replaced, at the same position so that the operators
     * apply in the same order, by a {@code $push} of the new values of each field. The rewrite applies
     * only when every field of {@code $addToSet} is a top-level name with a value {@code {$each: [...]}},
     * no other operator of the update names it or a path inside it, and the document contains an array,
     * null or nothing there. Otherwise the update is returned as it is, for the server to apply or reject.
     *
     * @param current the document the update applies to, or {@code null} when it creates a new document
     *     whose only field before the update is {@code _id}
     */
    static Document rewrite(Document update, Document current) {
        if (!applies(update)) {
            return update;
        }
        Document addToSet = (Document) update.get(ADD_TO_SET);
        Document pushed = new Document();
        for (String field : addToSet.keySet()) {
            Object value = addToSet.get(field);
            List<Object> existing = rewritableArray(update, field, value, current);
            if (existing == null) {
                return update;
            }
            List<?> added = (List<?>) ((Document) value).get(EACH);
            pushed.put(field, new Document(EACH, newValues(existing, added)));
        }
        if (pushed.isEmpty()) {
            return update;
        }
        Document rewritten = new Document();
        for (String operator : update.keySet()) {
            if (operator.equals(ADD_TO_SET)) {
                rewritten.put(PUSH, pushed);
            } else {
                rewritten.put(operator, update.get(operator));
            }
        }
        return rewritten;
    }

    /** Returns the array the field's values are added to, or {@code null} when the field is not rewritable. */
    @SuppressWarnings("unchecked")
    private static List<Object> rewritableArray(Document update, String field, Object value, Document current) {
        if (field.isEmpty() || field.contains(".") || field.contains("$") || field.equals("_id")) {
            return null;
        }
        if (!(value instanceof Document each) || each.size() != 1 || !(each.get(EACH) instanceof List<?>)) {
            return null;
        }
        for (String operator : update.keySet()) {
            if (operator.equals(ADD_TO_SET) || !(update.get(operator) instanceof Document fields)) {
                continue;
            }
            for (String path : fields.keySet()) {
                if (path.equals(field) || path.startsWith(field + ".")) {
                    return null;
                }
            }
        }
        Object stored = current == null ? null : current.get(field);
        if (stored == null) {
            return List.of();
        }
        return stored instanceof List<?> list ? (List<Object>) list : null;
    }

    /**
     * Returns the values of {@code added} that are neither in {@code existing} nor earlier in {@code
     * added}, in order, comparing with {@code equals} as {@code $addToSet} does.
     */
    static List<Object> newValues(List<Object> existing, List<?> added) {
        Map<Integer, List<Object>> hashed = new HashMap<>();
        List<Object> unhashed = new ArrayList<>();
        for (Object element : existing) {
            group(element, hashed, unhashed);
        }
        List<Object> absent = new ArrayList<>();
        for (Object value : added) {
            Integer hash = StructuralHash.of(value);
            boolean present;
            if (hash == null) {
                present = containsEqual(unhashed, value) || containsEqualHashed(hashed, value);
            } else {
                present = containsEqual(hashed.getOrDefault(hash, List.of()), value);
            }
            if (!present) {
                absent.add(value);
                group(value, hashed, unhashed);
            }
        }
        return absent;
    }

    private static void group(Object value, Map<Integer, List<Object>> hashed, List<Object> unhashed) {
        Integer hash = StructuralHash.of(value);
        if (hash == null) {
            unhashed.add(value);
        } else {
            hashed.computeIfAbsent(hash, h -> new ArrayList<>(1)).add(value);
        }
    }

    /** Returns whether {@code value.equals} accepts an element, as {@link List#contains} tests. */
    private static boolean containsEqual(List<Object> elements, Object value) {
        for (Object element : elements) {
            if (Objects.equals(value, element)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsEqualHashed(Map<Integer, List<Object>> hashed, Object value) {
        for (List<Object> group : hashed.values()) {
            if (containsEqual(group, value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A hash of documents, lists, strings, numbers, booleans and null that is equal for values that
     * {@code equals} calls equal: documents by keys in order and values, lists by elements in order, the
     * others by their own {@code hashCode}. A value that contains any other type has no such hash
     * ({@code null}), because its class may define {@code equals} across types.
     */
    static final class StructuralHash {

        private StructuralHash() {}

        static Integer of(Object value) {
            if (value == null) {
                return 0;
            }
            if (value instanceof String
                    || value instanceof Integer
                    || value instanceof Long
                    || value instanceof Double
                    || value instanceof Boolean) {
                return value.hashCode();
            }
            if (value instanceof Document document) {
                int hash = 17;
                for (Map.Entry<String, Object> entry : document.entrySet()) {
                    Integer valueHash = of(entry.getValue());
                    if (valueHash == null) {
                        return null;
                    }
                    hash = 31 * (31 * hash + entry.getKey().hashCode()) + valueHash;
                }
                return hash;
            }
            if (value instanceof List<?> list) {
                int hash = 19;
                for (Object element : list) {
                    Integer elementHash = of(element);
                    if (elementHash == null) {
                        return null;
                    }
                    hash = 31 * hash + elementHash;
                }
                return hash;
            }
            return null;
        }
    }
}
