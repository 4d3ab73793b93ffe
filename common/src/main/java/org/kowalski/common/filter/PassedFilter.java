package org.kowalski.common.filter;

import java.time.Instant;
import java.util.List;
import org.bson.Document;

/**
 * One filter that an alert passed: its pipeline returned exactly one document.
 *
 * @param filterId the SkyPortal filter id
 * @param groupId the SkyPortal group id
 * @param fid the filter version that ran
 * @param permissions the group's program ids
 * @param updateAnnotations whether annotations already in SkyPortal are replaced
 * @param data the single document the pipeline returned
 * @param autosave {@code false}, {@code true}, a document {@code {comment, ignore_group_ids[, saver_id]}},
 *     or {@code null} when the autosave pipeline did not return exactly one document (no autosave)
 * @param autoFollowup the follow-up request to submit ({@code allocation_id}, {@code comment},
 *     {@code priority_order}, {@code priority_alias}, {@code implements_update}, {@code data}), or
 *     {@code null}
 * @param passedAt when the filter ran
 */
public record PassedFilter(
        int filterId,
        int groupId,
        String fid,
        List<Integer> permissions,
        boolean updateAnnotations,
        Document data,
        Object autosave,
        Document autoFollowup,
        Instant passedAt) {

    /** Returns the {@code annotations} document of the pipeline output, or {@code null} when it has none. */
    public Document annotations() {
        return data != null && data.get("annotations") instanceof Document annotations ? annotations : null;
    }

    /** Returns whether the object is to be saved to the filter's group as a source. */
    public boolean autosaves() {
        return Boolean.TRUE.equals(autosave) || autosave instanceof Document;
    }

    /** Returns the autosave document, or {@code null} when autosave is a boolean or unset. */
    public Document autosaveDocument() {
        return autosave instanceof Document document ? document : null;
    }
}
