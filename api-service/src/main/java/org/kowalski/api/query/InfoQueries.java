package org.kowalski.api.query;

import com.mongodb.reactivestreams.client.MongoDatabase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.kowalski.api.web.ApiException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code info} query type and its commands: {@code catalog_names} (what penquins calls when a client
 * is built, to route queries), {@code catalog_info} ({@code collStats}), {@code index_info} (indexes as
 * pymongo's {@code index_information()} returns them) and {@code db_info} ({@code dbStats}).
 */
@Component
class InfoQueries {

    /** The commands in the order the original's error message lists them. */
    static final List<String> COMMANDS = List.of("catalog_names", "catalog_info", "index_info", "db_info");

    /** Compares strings by Unicode code point, as Python sorts them. */
    private static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private final MongoDatabase database;

    InfoQueries(MongoDatabase database) {
        this.database = database;
    }

    /** Runs an {@code info} query; the protected collections are left out of {@code catalog_names}. */
    Mono<Object> run(QueryRequest request, Set<String> protectedCollections) {
        Object command = request.query().get("command");
        if (!(command instanceof String name) || !COMMANDS.contains(name)) {
            throw ApiException.badRequest("KeyError: \"command " + PythonRepr.str(command) + " not in ('"
                    + String.join("', '", COMMANDS) + "')\"");
        }
        return switch (name) {
            case "catalog_names" -> catalogNames(protectedCollections).cast(Object.class);
            case "catalog_info" -> collectionStats(QueryArguments.catalog(request.query()));
            case "index_info" ->
                indexInformation(QueryArguments.catalog(request.query())).cast(Object.class);
            default ->
                Mono.from(database.runCommand(new Document("dbStats", 1))).cast(Object.class);
        };
    }

    /**
     * Returns every collection name except the protected ones and {@code system.*}, in descending code
     * point order, as the original lists them.
     */
    Mono<List<String>> catalogNames(Set<String> protectedCollections) {
        return Flux.from(database.listCollectionNames())
                .filter(name -> !protectedCollections.contains(name) && !name.startsWith("system."))
                .collectList()
                .map(names -> {
                    List<String> sorted = new ArrayList<>(names);
                    sorted.sort(CODE_POINT_ORDER.reversed());
                    return sorted;
                });
    }

    private Mono<Object> collectionStats(String catalog) {
        return Mono.from(database.runCommand(new Document("collStats", catalog)))
                .cast(Object.class);
    }

    /**
     * Returns {@code {name: {v, key: [[field, direction], ...], ...options}}} per index, as pymongo's
     * {@code index_information()}: the key as a list of pairs, without {@code name} and {@code ns}.
     */
    Mono<Document> indexInformation(String catalog) {
        return Flux.from(database.getCollection(catalog).listIndexes()).collect(Document::new, (info, index) -> {
            Document entry = new Document();
            for (Map.Entry<String, Object> field : index.entrySet()) {
                switch (field.getKey()) {
                    case "name", "ns" -> {
                        // Keyed by name; pymongo drops both.
                    }
                    case "key" -> entry.put("key", keyPairs(field.getValue()));
                    default -> entry.put(field.getKey(), field.getValue());
                }
            }
            info.put(index.getString("name"), entry);
        });
    }

    private static List<List<Object>> keyPairs(Object key) {
        List<List<Object>> pairs = new ArrayList<>();
        if (key instanceof Map<?, ?> map) {
            map.forEach((field, direction) -> pairs.add(List.of(String.valueOf(field), direction)));
        }
        return pairs;
    }
}
