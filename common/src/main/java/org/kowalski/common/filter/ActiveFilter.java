package org.kowalski.common.filter;

import java.util.List;
import org.bson.Document;

/**
 * An active filter version ready to run: the stored filter's settings and its assembled pipelines (upstream
 * stages first, permissions filled, the candid placeholder still unset).
 *
 * @param filterId the SkyPortal filter id ({@code filter_id})
 * @param groupId the SkyPortal group id ({@code group_id})
 * @param catalog the alerts collection the filter runs on, such as {@code ZTF_alerts}
 * @param fid the active version ({@code active_fid})
 * @param permissions the program ids the group may see
 * @param pipeline the main pipeline
 * @param autosave {@code false}, {@code true}, or the stored autosave document
 * @param autosavePipeline the assembled autosave pipeline, or {@code null} when autosave has none
 * @param autoFollowup the stored {@code auto_followup} document, empty when not set
 * @param autoFollowupPipeline the assembled follow-up pipeline, or {@code null} when there is none
 * @param updateAnnotations whether annotations already in SkyPortal are replaced by new ones
 */
public record ActiveFilter(
        int filterId,
        int groupId,
        String catalog,
        String fid,
        List<Integer> permissions,
        CompiledPipeline pipeline,
        Object autosave,
        CompiledPipeline autosavePipeline,
        Document autoFollowup,
        CompiledPipeline autoFollowupPipeline,
        boolean updateAnnotations) {

    /** Returns the autosave document, or {@code null} when autosave is a boolean or missing. */
    public Document autosaveDocument() {
        return autosave instanceof Document document ? document : null;
    }
}
