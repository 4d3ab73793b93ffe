package org.kowalski.common.infra;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites aggregation pipelines into forms that mongo-java-server runs as MongoDB does. It does not
 * know the stages {@code $set} and {@code $replaceWith}, which MongoDB defines as aliases of
 * {@code $addFields} and {@code $replaceRoot}, and it stores a dotted name such as
 * {@code "candidate.extra"} in {@code $addFields} as a top-level field of that literal name, where
 * MongoDB sets the nested field. Both forms are rewritten, in sub-pipelines of {@code $facet} and
 * {@code $lookup} too. Anything else is passed on unchanged, so an invalid pipeline fails with the
 * server's own error.
 */
final class EmbeddedPipelines {

    private EmbeddedPipelines() {}

    /** Returns the pipeline with each stage rewritten; the argument is left unchanged. */
    static List<Object> rewrite(List<?> pipeline) {
        List<Object> rewritten = new ArrayList<>(pipeline.size());
        for (Object stage : pipeline) {
            rewritten.add(stage instanceof Document document ? rewriteStage(document) : stage);
        }
        return rewritten;
    }

    private static Document rewriteStage(Document stage) {
        if (stage.size() != 1) {
            return stage;
        }
        String operator = stage.keySet().iterator().next();
        Object argument = stage.get(operator);
        return switch (operator) {
            case "$set", "$addFields" ->
                new Document("$addFields", argument instanceof Document fields ? nestDottedNames(fields) : argument);
            case "$replaceWith" -> new Document("$replaceRoot", new Document("newRoot", argument));
            case "$facet" ->
                argument instanceof Document facets ? new Document(operator, rewriteFacets(facets)) : stage;
            case "$lookup" ->
                argument instanceof Document lookup && lookup.get("pipeline") instanceof List<?> subPipeline
                        ? new Document(operator, withPipeline(lookup, rewrite(subPipeline)))
                        : stage;
            default -> stage;
        };
    }

    private static Document rewriteFacets(Document facets) {
        Document rewritten = new Document();
        for (Map.Entry<String, Object> facet : facets.entrySet()) {
            rewritten.put(
                    facet.getKey(),
                    facet.getValue() instanceof List<?> subPipeline ? rewrite(subPipeline) : facet.getValue());
        }
        return rewritten;
    }

    private static Document withPipeline(Document lookup, List<Object> pipeline) {
        Document copy = new Document();
        copy.putAll(lookup);
        copy.put("pipeline", pipeline);
        return copy;
    }

    /**
     * Returns the fields with each dotted name turned into nested documents: {@code {"a.b": 1, "a.c": 2}}
     * becomes {@code {a: {b: 1, c: 2}}}, which this server merges into an existing embedded document as
     * MongoDB does for the dotted form. When two names collide (such as {@code "a"} with a value and
     * {@code "a.b"}), which MongoDB refuses, the fields are returned unchanged.
     */
    static Document nestDottedNames(Document fields) {
        if (fields.keySet().stream().noneMatch(name -> name.indexOf('.') >= 0)) {
            return fields;
        }
        NestedFields root = new NestedFields();
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            String[] parts = field.getKey().split("\\.", -1);
            NestedFields parent = root;
            for (int i = 0; i < parts.length - 1; i++) {
                Object child = parent.get(parts[i]);
                if (child == null) {
                    NestedFields created = new NestedFields();
                    parent.put(parts[i], created);
                    parent = created;
                } else if (child instanceof NestedFields existing) {
                    parent = existing;
                } else {
                    return fields;
                }
            }
            String leaf = parts[parts.length - 1];
            if (parent.containsKey(leaf)) {
                return fields;
            }
            parent.put(leaf, field.getValue());
        }
        return root.toDocument();
    }

    /** A level of nested fields built from dotted names, distinguished from documents given as values. */
    private static final class NestedFields {

        private final Map<String, Object> fields = new LinkedHashMap<>();

        Object get(String name) {
            return fields.get(name);
        }

        boolean containsKey(String name) {
            return fields.containsKey(name);
        }

        void put(String name, Object value) {
            fields.put(name, value);
        }

        Document toDocument() {
            Document document = new Document();
            fields.forEach((name, value) ->
                    document.put(name, value instanceof NestedFields nested ? nested.toDocument() : value));
            return document;
        }
    }
}
