package org.kowalski.common.filter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.json.JsonParseException;
import org.kowalski.common.config.KowalskiConfig;

/**
 * Assembles the aggregation pipeline of a user filter: a deep copy of the survey's upstream stages from
 * {@code database.filters.<catalog>}, followed by the user's stages, with the placeholders filled.
 *
 * <p>The upstream stages carry two kinds of {@code null} placeholder. Stage 0 is a {@code $match} whose
 * {@code candid} is set to the alert (or, for a batch, {@code {$in: [candids]}}). Every {@code $in} whose
 * operand is {@code null} gets the filter group's program ids ({@code permissions}): the query form
 * {@code {$in: null}} and the second operand of the expression form {@code {$in: [x, null]}}. The
 * original fills them for ZTF only, by stage position. Filling them wherever they appear also makes
 * TURBO filters work, because the TURBO upstream pipeline has the same placeholders.
 *
 * <p>Every method returns new documents and never changes its arguments or the configuration.
 */
public final class FilterPipelines {

    /** Stages that user pipelines may not contain, because they read or write other collections. */
    public static final List<String> FORBIDDEN_STAGES = List.of("$lookup", "$unionWith", "$out", "$merge");

    private FilterPipelines() {}

    /**
     * Parses a pipeline stored as Extended-JSON text, the form the filters API writes, such as
     * {@code [{"$match": {"candidate.drb": {"$gt": 0.5}}}]}.
     *
     * @throws InvalidFilterException when the text is not a JSON array of documents
     */
    public static List<Document> parse(String extendedJson) {
        if (extendedJson == null || extendedJson.isBlank()) {
            throw new InvalidFilterException("Invalid pipeline: the text is empty; expected a JSON array of stages");
        }
        Object stages;
        try {
            stages = Document.parse("{\"pipeline\": " + extendedJson + "}").get("pipeline");
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new InvalidFilterException(
                    "Invalid pipeline " + abbreviate(extendedJson) + ": " + e.getMessage()
                            + "; expected Extended JSON such as [{\"$match\": {\"candidate.drb\": {\"$gt\": 0.5}}}]",
                    e);
        }
        if (!(stages instanceof List<?> list)) {
            throw new InvalidFilterException("Invalid pipeline " + abbreviate(extendedJson)
                    + ": expected a JSON array of stages, such as [{\"$match\": {...}}]");
        }
        List<Document> result = new ArrayList<>(list.size());
        for (Object stage : list) {
            if (!(stage instanceof Document document) || document.size() != 1) {
                throw new InvalidFilterException("Invalid pipeline stage " + stage + " in " + abbreviate(extendedJson)
                        + ": each stage must be a document with exactly one operator, such as {\"$match\": {...}}");
            }
            result.add(document);
        }
        return result;
    }

    /**
     * Returns a copy of the upstream stages of a catalog, such as {@code ZTF_alerts}, from
     * {@code database.filters}, with the placeholders still unset.
     *
     * @throws InvalidFilterException when the configuration has no upstream pipeline for the catalog
     */
    public static List<Document> upstream(KowalskiConfig config, String catalog) {
        List<Map<String, Object>> stages = config.database().filters().get(catalog);
        if (stages == null) {
            throw new InvalidFilterException("No upstream filter pipeline for catalog " + catalog
                    + ": filters can run on " + config.database().filters().keySet()
                    + "; add database.filters." + catalog + " to config.yaml to allow it");
        }
        List<Document> copy = new ArrayList<>(stages.size());
        for (Map<String, Object> stage : stages) {
            copy.add((Document) deepCopy(stage));
        }
        return copy;
    }

    /**
     * Returns the upstream stages followed by the user stages, with every permissions placeholder set to
     * {@code permissions}. The candid placeholder of stage 0 stays {@code null}: set it with
     * {@link #withCandid} or {@link #withCandids}.
     */
    public static List<Document> assemble(
            List<Document> upstream, List<Document> userStages, Collection<Integer> permissions) {
        List<Object> programIds = new ArrayList<>(permissions);
        List<Document> pipeline = new ArrayList<>(upstream.size() + userStages.size());
        for (Document stage : upstream) {
            Document copy = (Document) deepCopy(stage);
            fillPermissions(copy, programIds);
            pipeline.add(copy);
        }
        for (Document stage : userStages) {
            pipeline.add((Document) deepCopy(stage));
        }
        return pipeline;
    }

    /**
     * Parses and assembles a user pipeline for a catalog in one step: upstream stages of
     * {@code database.filters.<catalog>}, then the stages of {@code userPipelineJson}, permissions filled.
     */
    public static List<Document> assemble(
            KowalskiConfig config, String catalog, String userPipelineJson, Collection<Integer> permissions) {
        return assemble(upstream(config, catalog), parse(userPipelineJson), permissions);
    }

    /** Returns a copy of an assembled pipeline whose stage-0 {@code $match} selects the alert {@code candid}. */
    public static List<Document> withCandid(List<Document> pipeline, long candid) {
        return withStageZeroCandid(pipeline, candid);
    }

    /** Returns a copy of an assembled pipeline whose stage-0 {@code $match} selects every alert of {@code candids}. */
    public static List<Document> withCandids(List<Document> pipeline, Collection<Long> candids) {
        return withStageZeroCandid(pipeline, new Document("$in", new ArrayList<>(candids)));
    }

    /**
     * Returns the top-level stage operators of {@code userStages} that user pipelines may not use, in
     * order of appearance; an empty list means the pipeline is allowed.
     */
    public static List<String> forbiddenStages(List<Document> userStages) {
        List<String> found = new ArrayList<>();
        for (Document stage : userStages) {
            for (String operator : stage.keySet()) {
                if (FORBIDDEN_STAGES.contains(operator) && !found.contains(operator)) {
                    found.add(operator);
                }
            }
        }
        return found;
    }

    private static List<Document> withStageZeroCandid(List<Document> pipeline, Object candidValue) {
        if (pipeline.isEmpty()
                || !(pipeline.get(0).get("$match") instanceof Map<?, ?> match)
                || !match.containsKey("candid")) {
            throw new InvalidFilterException("Invalid upstream filter pipeline: stage 0 must be a $match with a"
                    + " candid placeholder, such as {$match: {candid: null}}; check database.filters in config.yaml");
        }
        List<Document> copy = new ArrayList<>(pipeline.size());
        for (Document stage : pipeline) {
            copy.add((Document) deepCopy(stage));
        }
        copy.get(0).get("$match", Document.class).put("candid", candidValue);
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static void fillPermissions(Object node, List<Object> programIds) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> document = (Map<String, Object>) map;
            for (Map.Entry<String, Object> entry : document.entrySet()) {
                Object value = entry.getValue();
                if ("$in".equals(entry.getKey())) {
                    if (value == null) {
                        entry.setValue(new ArrayList<>(programIds));
                        continue;
                    }
                    if (value instanceof List<?> operands && operands.size() == 2 && operands.get(1) == null) {
                        ((List<Object>) operands).set(1, new ArrayList<>(programIds));
                    }
                }
                fillPermissions(value, programIds);
            }
        } else if (node instanceof List<?> list) {
            for (Object item : list) {
                fillPermissions(item, programIds);
            }
        }
    }

    /** Copies nested documents, maps and lists; maps become {@link Document}s, other values are shared. */
    static Object deepCopy(Object node) {
        if (node instanceof Map<?, ?> map) {
            Document copy = new Document();
            map.forEach((key, value) -> copy.put(String.valueOf(key), deepCopy(value)));
            return copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(deepCopy(item)));
            return copy;
        }
        return node;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
