package org.kowalski.common.query;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inspects user-supplied MongoDB filters and aggregation pipelines before they run, at every depth:
 * the sub-pipelines of {@code $lookup}, {@code $unionWith} and {@code $facet}, and expressions nested
 * anywhere. It rejects
 *
 * <ul>
 *   <li>server-side JavaScript ({@code $where}, {@code $function}, {@code $accumulator}) anywhere;
 *   <li>stages of the policy's forbidden set (for example {@code $out}, {@code $merge}) at any depth;
 *   <li>stages that read or write a protected collection: {@code $lookup.from},
 *       {@code $graphLookup.from}, {@code $unionWith} (name or {@code coll}), {@code $out} and
 *       {@code $merge.into} naming one of the protected names (compared after trimming spaces) or any
 *       {@code system.*} collection;
 *   <li>stages that name another database ({@code db} in {@code $out}, {@code $merge.into},
 *       {@code $lookup.from} or {@code $unionWith}), since the protected names only cover this one.
 * </ul>
 *
 * The query API, the filters API and the brokers' filter engine share it. A guard is immutable and
 * thread-safe.
 */
public final class PipelineGuard {

    /** Operators that run JavaScript on the database server. */
    public static final Set<String> JAVASCRIPT_OPERATORS = Set.of("$where", "$function", "$accumulator");

    /** Stages that write to a collection. */
    public static final Set<String> WRITE_STAGES = Set.of("$out", "$merge");

    private final Set<String> protectedCollections;
    private final Set<String> forbiddenStages;

    /**
     * Creates a guard.
     *
     * @param protectedCollections collection names no stage may read or write, such as {@code users}
     * @param forbiddenStages stage names rejected at any depth, such as {@code $out}
     */
    public PipelineGuard(Set<String> protectedCollections, Set<String> forbiddenStages) {
        this.protectedCollections = Set.copyOf(protectedCollections);
        this.forbiddenStages = Set.copyOf(forbiddenStages);
    }

    /** Returns a guard that allows every stage but protects no collection: it only refuses JavaScript. */
    public static PipelineGuard javascriptOnly() {
        return new PipelineGuard(Set.of(), Set.of());
    }

    /** Returns a guard with the same forbidden stages that protects no collection, for trusted users. */
    public PipelineGuard withoutProtectedCollections() {
        return new PipelineGuard(Set.of(), forbiddenStages);
    }

    /**
     * Checks an aggregation pipeline.
     *
     * @param pipeline the stages, each an object with one key
     * @throws ForbiddenPipelineException naming the first violation, or all forbidden stages found
     */
    public void checkPipeline(List<?> pipeline) {
        Set<String> forbiddenFound = new LinkedHashSet<>();
        String[] firstForbiddenPath = new String[1];
        checkStages(pipeline, "pipeline", forbiddenFound, firstForbiddenPath);
        if (!forbiddenFound.isEmpty()) {
            throw new ForbiddenPipelineException(
                    ForbiddenPipelineException.Reason.FORBIDDEN_STAGE,
                    firstForbiddenPath[0],
                    forbiddenFound,
                    "pipeline uses forbidden stages: " + pythonSetRepr(forbiddenFound) + " (first at "
                            + firstForbiddenPath[0] + "); remove them, since only reading stages are allowed"
                            + " here");
        }
    }

    /**
     * Checks a find filter or projection: it may not contain server-side JavaScript.
     *
     * @param what the name of the value in messages, such as {@code filter}
     * @throws ForbiddenPipelineException naming the operator and where it sits
     */
    public void checkExpression(Object value, String what) {
        checkValue(value, what, new LinkedHashSet<>(), new String[1]);
    }

    private void checkStages(List<?> stages, String path, Set<String> forbiddenFound, String[] firstForbiddenPath) {
        for (int i = 0; i < stages.size(); i++) {
            String stagePath = path + "[" + i + "]";
            if (!(stages.get(i) instanceof Map<?, ?> stage) || stage.size() != 1) {
                throw new ForbiddenPipelineException(
                        ForbiddenPipelineException.Reason.INVALID_STAGE,
                        stagePath,
                        Set.of(),
                        "invalid stage at " + stagePath + ": " + stages.get(i)
                                + "; each stage must be an object with exactly one key, such as"
                                + " {\"$match\": {...}}");
            }
            Map.Entry<?, ?> entry = stage.entrySet().iterator().next();
            String name = String.valueOf(entry.getKey());
            Object spec = entry.getValue();
            String specPath = stagePath + "." + name;
            if (forbiddenStages.contains(name)) {
                forbiddenFound.add(name);
                if (firstForbiddenPath[0] == null) {
                    firstForbiddenPath[0] = stagePath;
                }
            }
            checkStageTarget(name, spec, specPath);
            checkStageBody(name, spec, specPath, forbiddenFound, firstForbiddenPath);
        }
    }

    /** Checks the collection a stage reads or writes. */
    private void checkStageTarget(String name, Object spec, String path) {
        switch (name) {
            case "$lookup", "$graphLookup" -> {
                if (spec instanceof Map<?, ?> map) {
                    checkTarget(map.get("from"), name, path + ".from");
                }
            }
            case "$unionWith" -> {
                if (spec instanceof Map<?, ?> map) {
                    checkTarget(map.get("coll"), name, path + ".coll");
                    checkDatabase(map.get("db"), name, path + ".db");
                } else {
                    checkTarget(spec, name, path);
                }
            }
            case "$out" -> checkTarget(spec, name, path);
            case "$merge" -> {
                if (spec instanceof Map<?, ?> map) {
                    checkTarget(map.get("into"), name, path + ".into");
                } else {
                    checkTarget(spec, name, path);
                }
            }
            default -> {
                // Other stages name no collection.
            }
        }
    }

    /** Checks a collection reference: a name, or an object {db, coll} as $out, $merge and $lookup allow. */
    private void checkTarget(Object target, String stage, String path) {
        if (target == null) {
            return;
        }
        if (target instanceof Map<?, ?> map) {
            checkDatabase(map.get("db"), stage, path + ".db");
            checkTarget(map.get("coll"), stage, path + ".coll");
            return;
        }
        String collection = String.valueOf(target).trim();
        if (protectedCollections.contains(collection) || collection.startsWith("system.")) {
            throw new ForbiddenPipelineException(
                    ForbiddenPipelineException.Reason.PROTECTED_COLLECTION,
                    path,
                    Set.of(),
                    "Protected collection: " + stage + " at " + path + " names '" + collection
                            + "', a system collection that queries and filters cannot read or write;"
                            + " use a catalog or alert collection");
        }
    }

    private static void checkDatabase(Object database, String stage, String path) {
        if (database != null) {
            throw new ForbiddenPipelineException(
                    ForbiddenPipelineException.Reason.OTHER_DATABASE,
                    path,
                    Set.of(),
                    "Other database: " + stage + " at " + path + " names the database '" + database
                            + "'; stages may only use collections of this database, so remove 'db'");
        }
    }

    /** Checks the body of a stage: sub-pipelines as pipelines, everything else as expressions. */
    private void checkStageBody(
            String name, Object spec, String path, Set<String> forbiddenFound, String[] firstForbiddenPath) {
        if (name.equals("$facet") && spec instanceof Map<?, ?> facets) {
            for (Map.Entry<?, ?> facet : facets.entrySet()) {
                String facetPath = path + "." + facet.getKey();
                if (facet.getValue() instanceof List<?> subPipeline) {
                    checkStages(subPipeline, facetPath, forbiddenFound, firstForbiddenPath);
                } else {
                    checkValue(facet.getValue(), facetPath, forbiddenFound, firstForbiddenPath);
                }
            }
            return;
        }
        if ((name.equals("$lookup") || name.equals("$unionWith")) && spec instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String entryPath = path + "." + entry.getKey();
                if ("pipeline".equals(entry.getKey()) && entry.getValue() instanceof List<?> subPipeline) {
                    checkStages(subPipeline, entryPath, forbiddenFound, firstForbiddenPath);
                } else {
                    checkValue(entry.getValue(), entryPath, forbiddenFound, firstForbiddenPath);
                }
            }
            return;
        }
        checkValue(spec, path, forbiddenFound, firstForbiddenPath);
    }

    /** Walks any value for JavaScript operators. */
    private void checkValue(Object value, String path, Set<String> forbiddenFound, String[] firstForbiddenPath) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                String keyPath = path + "." + key;
                if (JAVASCRIPT_OPERATORS.contains(key)) {
                    throw new ForbiddenPipelineException(
                            ForbiddenPipelineException.Reason.SERVER_SIDE_JAVASCRIPT,
                            keyPath,
                            Set.of(),
                            "Server-side JavaScript is not allowed: " + key + " at " + keyPath
                                    + "; use query operators and aggregation expressions instead");
                }
                checkValue(entry.getValue(), keyPath, forbiddenFound, firstForbiddenPath);
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkValue(list.get(i), path + "[" + i + "]", forbiddenFound, firstForbiddenPath);
            }
        }
    }

    /** Formats stage names as Python prints a set of strings, such as {@code {'$out', '$merge'}}. */
    public static String pythonSetRepr(Set<String> names) {
        StringBuilder out = new StringBuilder("{");
        for (String name : names) {
            if (out.length() > 1) {
                out.append(", ");
            }
            out.append('\'').append(name).append('\'');
        }
        return out.append('}').toString();
    }
}
