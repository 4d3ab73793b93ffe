package org.kowalski.api.query;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The query types of {@code POST /api/queries}, in the order the Python original lists them, each with
 * the {@code kwargs} it keeps (besides {@code comment} and {@code max_time_ms}, which every type keeps).
 * A {@code null} set keeps every key.
 */
enum QueryType {
    CONE_SEARCH("cone_search", Set.of("skip", "hint", "limit", "sort")),
    COUNT_DOCUMENTS("count_documents", Set.of("skip", "hint", "limit")),
    ESTIMATED_DOCUMENT_COUNT("estimated_document_count", null),
    FIND("find", Set.of("skip", "hint", "limit", "sort")),
    FIND_ONE("find_one", Set.of("skip", "hint", "limit", "sort")),
    AGGREGATE("aggregate", Set.of("allowDiskUse", "batchSize")),
    INFO("info", null),
    NEAR("near", Set.of("skip", "hint", "limit", "sort")),
    DROP("drop", null),
    SKYMAP("skymap", Set.of("skip", "hint", "limit", "sort"));

    private final String wireName;
    private final Set<String> keptKwargs;

    QueryType(String wireName, Set<String> keptKwargs) {
        this.wireName = wireName;
        this.keptKwargs = keptKwargs;
    }

    /** Returns the name clients send in {@code query_type}. */
    String wireName() {
        return wireName;
    }

    /** Returns whether a {@code kwargs} key reaches this type. */
    boolean keepsKwarg(String key) {
        return keptKwargs == null || keptKwargs.contains(key) || key.equals("comment") || key.equals("max_time_ms");
    }

    /** Returns the type with a wire name, or null. */
    static QueryType fromWireName(Object name) {
        for (QueryType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** Returns the wire names as a Python tuple, as the original's error message prints them. */
    static String wireNamesTuple() {
        List<String> names =
                Arrays.stream(values()).map(type -> "'" + type.wireName + "'").toList();
        return names.stream().collect(Collectors.joining(", ", "(", ")"));
    }
}
