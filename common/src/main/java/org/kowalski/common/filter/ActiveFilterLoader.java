package org.kowalski.common.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.kowalski.common.query.ForbiddenPipelineException;
import org.kowalski.common.query.PipelineGuard;

/**
 * Builds {@link ActiveFilter}s from documents of the {@code filters} collection, the shape the filters
 * API writes: {@code filter_id}, {@code group_id}, {@code catalog}, {@code permissions}, {@code
 * active_fid}, {@code fv} (versions with an Extended-JSON {@code pipeline} string), {@code autosave},
 * {@code auto_followup} and {@code update_annotations}.
 */
public final class ActiveFilterLoader {

    private ActiveFilterLoader() {}

    /**
     * Returns the guard of filter pipelines. It rejects the stages that read or write other collections,
     * server-side JavaScript, and any stage that names one of {@code protectedCollections} (such as a
     * {@code $graphLookup} from {@code users}), at any depth.
     */
    public static PipelineGuard guard(Set<String> protectedCollections) {
        return new PipelineGuard(protectedCollections, Set.copyOf(FilterPipelines.FORBIDDEN_STAGES));
    }

    /**
     * Returns the active version of a stored filter, with the upstream stages prepended to each of its
     * pipelines.
     *
     * @param upstream the catalog's upstream stages, from {@link FilterPipelines#upstream}
     * @param guard the checks of the user's stages, from {@link #guard}
     * @throws InvalidFilterException when the document cannot run: no active version, an unreadable or
     *     forbidden pipeline, or ids of the wrong type
     */
    public static ActiveFilter fromDocument(Document filter, List<Document> upstream, PipelineGuard guard) {
        int filterId = intField(filter, "filter_id");
        int groupId = intField(filter, "group_id");
        String activeFid = filter.get("active_fid") instanceof String text ? text : null;
        Document version = null;
        if (filter.get("fv") instanceof List<?> versions) {
            for (Object entry : versions) {
                if (entry instanceof Document candidate
                        && activeFid != null
                        && activeFid.equals(candidate.get("fid"))) {
                    version = candidate;
                    break;
                }
            }
        }
        if (version == null) {
            throw new InvalidFilterException("Filter " + filterId + " of group " + groupId + " has no version with"
                    + " active_fid " + activeFid + ": set active_fid to one of its fv[].fid values");
        }
        List<Integer> permissions = permissions(filter, filterId);

        CompiledPipeline pipeline =
                compile(upstream, guard, version.get("pipeline"), permissions, filterId, "pipeline");

        Object autosave = filter.get("autosave");
        CompiledPipeline autosavePipeline = null;
        if (autosave instanceof Document document) {
            if (document.get("pipeline") != null) {
                autosavePipeline =
                        compile(upstream, guard, document.get("pipeline"), permissions, filterId, "autosave.pipeline");
            }
        } else if (!(autosave instanceof Boolean)) {
            autosave = Boolean.FALSE;
        }

        Document autoFollowup = filter.get("auto_followup") instanceof Document document ? document : new Document();
        CompiledPipeline autoFollowupPipeline = null;
        Object followupStages = autoFollowup.get("pipeline");
        if (followupStages != null && !(followupStages instanceof String text && text.isBlank())) {
            autoFollowupPipeline =
                    compile(upstream, guard, followupStages, permissions, filterId, "auto_followup.pipeline");
        }

        return new ActiveFilter(
                filterId,
                groupId,
                filter.getString("catalog"),
                version.getString("fid"),
                permissions,
                pipeline,
                autosave,
                autosavePipeline,
                autoFollowup,
                autoFollowupPipeline,
                Boolean.TRUE.equals(filter.get("update_annotations")));
    }

    private static CompiledPipeline compile(
            List<Document> upstream,
            PipelineGuard guard,
            Object stored,
            List<Integer> permissions,
            int filterId,
            String field) {
        List<Document> userStages = userStages(stored, filterId, field);
        try {
            guard.checkPipeline(userStages);
        } catch (ForbiddenPipelineException e) {
            throw new InvalidFilterException("Filter " + filterId + " " + field + ": " + e.getMessage(), e);
        }
        return CompiledPipeline.compile(upstream, userStages, permissions);
    }

    private static List<Document> userStages(Object stored, int filterId, String field) {
        if (stored instanceof String text) {
            try {
                return FilterPipelines.parse(text);
            } catch (InvalidFilterException e) {
                throw new InvalidFilterException("Filter " + filterId + " " + field + ": " + e.getMessage(), e);
            }
        }
        if (stored instanceof List<?> list) {
            List<Document> stages = new ArrayList<>(list.size());
            for (Object stage : list) {
                if (!(stage instanceof Map<?, ?>)) {
                    throw new InvalidFilterException("Filter " + filterId + " " + field + " has the stage " + stage
                            + ", which is not a document: store each stage as {\"$operator\": {...}}");
                }
                stages.add((Document) FilterPipelines.deepCopy(stage));
            }
            return stages;
        }
        throw new InvalidFilterException("Filter " + filterId + " " + field + " is " + stored
                + ": store the pipeline as an Extended-JSON array of stages");
    }

    private static List<Integer> permissions(Document filter, int filterId) {
        Object stored = filter.get("permissions");
        if (stored == null) {
            return List.of();
        }
        if (!(stored instanceof List<?> list)) {
            throw new InvalidFilterException("Filter " + filterId + " has permissions " + stored
                    + ": store a list of program ids such as [1, 2]");
        }
        List<Integer> ids = new ArrayList<>(list.size());
        for (Object id : list) {
            if (!(id instanceof Number number)) {
                throw new InvalidFilterException("Filter " + filterId + " has the program id " + id
                        + " in permissions: use integers such as [1, 2]");
            }
            ids.add(number.intValue());
        }
        return List.copyOf(ids);
    }

    private static int intField(Document filter, String field) {
        if (!(filter.get(field) instanceof Number number)) {
            throw new InvalidFilterException("Filter document " + filter.get("_id") + " has " + field + " "
                    + filter.get(field) + ": store a positive integer");
        }
        return number.intValue();
    }
}
