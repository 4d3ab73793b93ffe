package org.kowalski.common.filter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * A filter pipeline assembled for execution, in two forms: {@link #stages()} runs on one alert, and
 * {@link #batchStages()}, when not {@code null}, runs on many alerts at once with the same per-alert
 * results.
 *
 * <p>The batch form selects every candid of the batch in stage 0, copies each alert's candid into the
 * field {@value #BATCH_CANDID_FIELD} right after the upstream stages, and keeps it through the user
 * stages, so that each output document can be traced to its alert. That is only sound when every user
 * stage transforms documents one at a time: {@code $match}, {@code $project}, {@code $addFields},
 * {@code $set}, {@code $unset} and {@code $unwind}. An inclusion {@code $project} gets the field added to
 * its inclusions. A pipeline with any other stage ({@code $group}, {@code $limit}, {@code $sort},
 * {@code $count}, {@code $facet}, ...) reads all alerts of a batch together, so it only runs alert by alert.
 */
public record CompiledPipeline(List<Document> stages, List<Document> batchStages) {

    /** Field that carries each alert's candid through a batch run; removed from the output documents. */
    public static final String BATCH_CANDID_FIELD = "_kowalski_batch_candid";

    private static final Set<String> PER_DOCUMENT_STAGES =
            Set.of("$match", "$project", "$addFields", "$set", "$unset", "$unwind");

    /** Assembles the upstream and user stages, fills the permissions, and derives the batch form when sound. */
    public static CompiledPipeline compile(
            List<Document> upstream, List<Document> userStages, Collection<Integer> permissions) {
        List<Document> stages = FilterPipelines.assemble(upstream, userStages, permissions);
        List<Document> batch = batchForm(stages, upstream.size());
        return new CompiledPipeline(List.copyOf(stages), batch == null ? null : List.copyOf(batch));
    }

    /** Returns whether the pipeline can run on many alerts in one aggregation. */
    public boolean batchable() {
        return batchStages != null;
    }

    /** Returns the stages that run on one alert. */
    public List<Document> forCandid(long candid) {
        return FilterPipelines.withCandid(stages, candid);
    }

    /** Returns the stages that run on every alert of {@code candids} at once; only for a batchable pipeline. */
    public List<Document> forCandids(Collection<Long> candids) {
        if (batchStages == null) {
            throw new IllegalStateException("This pipeline has a stage that sees several alerts at once, so it"
                    + " cannot run as a batch: run it with forCandid for each alert");
        }
        return FilterPipelines.withCandids(batchStages, candids);
    }

    private static List<Document> batchForm(List<Document> stages, int upstreamCount) {
        List<Document> batch = new ArrayList<>(stages.size() + 1);
        batch.addAll(stages.subList(0, upstreamCount));
        batch.add(new Document("$addFields", new Document(BATCH_CANDID_FIELD, "$candid")));
        for (Document stage : stages.subList(upstreamCount, stages.size())) {
            String operator = stage.keySet().iterator().next();
            if (!PER_DOCUMENT_STAGES.contains(operator)) {
                return null;
            }
            if (operator.equals("$project")) {
                if (!(stage.get("$project") instanceof Map<?, ?> projection)) {
                    return null;
                }
                batch.add(new Document("$project", keepBatchField(projection)));
            } else {
                batch.add(stage);
            }
        }
        return batch;
    }

    /** Returns the projection with the batch field included, when it is an inclusion projection. */
    private static Document keepBatchField(Map<?, ?> projection) {
        Document copy = (Document) FilterPipelines.deepCopy(projection);
        boolean inclusion = false;
        boolean onlyId = true;
        for (Map.Entry<String, Object> entry : copy.entrySet()) {
            if (entry.getKey().equals("_id")) {
                continue;
            }
            onlyId = false;
            if (!isExclusion(entry.getValue())) {
                inclusion = true;
            }
        }
        if (onlyId) {
            inclusion = !isExclusion(copy.get("_id"));
        }
        if (inclusion) {
            copy.put(BATCH_CANDID_FIELD, 1);
        }
        return copy;
    }

    private static boolean isExclusion(Object value) {
        return Boolean.FALSE.equals(value) || (value instanceof Number number && number.doubleValue() == 0);
    }
}
