package org.kowalski.common.infra;

import de.bwaldvogel.mongo.backend.KeyValue;
import org.h2.mvstore.type.ObjectDataType;

/**
 * The H2 MVStore key type of the embedded store's unique indexes. It writes and reads keys as H2's
 * default {@link ObjectDataType} does, so the bytes in the store file are the same, but it orders them
 * without serializing them.
 *
 * <p>The default type orders a {@link KeyValue}, which H2 does not know, by comparing the Java
 * serializations of both keys, and it does so at every step of a lookup. In a flight recording of the
 * broker benchmark this took a quarter of the embedded server's time. Here the values of two keys are
 * compared one by one: strings, doubles and longs by their natural order, nulls first, and any other
 * value with the default type's order. Values of different kinds are ordered by kind. Index values are
 * normalized (numbers become doubles, or longs when a double cannot hold them), so this order agrees
 * with {@link KeyValue#equals}.
 *
 * <p>The order differs from the default type's, so an index map written with one must always be read
 * with the same one. {@link EmbeddedStoreBackend} records which type each index map uses.
 */
final class IndexKeyType extends ObjectDataType {

    /** Estimated bytes of an object reference and header, for the memory estimate. */
    private static final int OBJECT_OVERHEAD_BYTES = 24;

    private static final int NULL_KIND = 0;

    private static final int DOUBLE_KIND = 1;

    private static final int LONG_KIND = 2;

    private static final int STRING_KIND = 3;

    private static final int OTHER_KIND = 4;

    @Override
    public int compare(Object first, Object second) {
        if (first == second) {
            return 0;
        }
        if (first instanceof KeyValue firstKey && second instanceof KeyValue secondKey) {
            return compareKeys(firstKey, secondKey);
        }
        return super.compare(first, second);
    }

    @Override
    public int getMemory(Object key) {
        if (!(key instanceof KeyValue keyValue)) {
            return super.getMemory(key);
        }
        int bytes = OBJECT_OVERHEAD_BYTES * 3;
        for (Object value : keyValue) {
            bytes += value instanceof String text ? OBJECT_OVERHEAD_BYTES * 2 + text.length() : OBJECT_OVERHEAD_BYTES;
        }
        return bytes;
    }

    private int compareKeys(KeyValue first, KeyValue second) {
        int shared = Math.min(first.size(), second.size());
        for (int i = 0; i < shared; i++) {
            int order = compareValues(first.get(i), second.get(i));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(first.size(), second.size());
    }

    private int compareValues(Object first, Object second) {
        int firstKind = kindOf(first);
        int secondKind = kindOf(second);
        if (firstKind != secondKind) {
            return Integer.compare(firstKind, secondKind);
        }
        return switch (firstKind) {
            case NULL_KIND -> 0;
            case DOUBLE_KIND -> ((Double) first).compareTo((Double) second);
            case LONG_KIND -> ((Long) first).compareTo((Long) second);
            case STRING_KIND -> ((String) first).compareTo((String) second);
            default -> super.compare(first, second);
        };
    }

    private static int kindOf(Object value) {
        if (value == null) {
            return NULL_KIND;
        }
        if (value instanceof Double) {
            return DOUBLE_KIND;
        }
        if (value instanceof Long) {
            return LONG_KIND;
        }
        if (value instanceof String) {
            return STRING_KIND;
        }
        return OTHER_KIND;
    }
}
