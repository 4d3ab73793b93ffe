package org.kowalski.common.skyportal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.kowalski.common.filter.PassedFilter;

/**
 * The documents of the {@code skyportal_outbox} collection: one per alert, holding what the alert's posts
 * need besides the stored alert and aux documents, and the progress of those posts.
 *
 * <pre>
 * {_id: "ZTF:1127561445515015011", survey, candid, object_id, jd,
 *  status: "pending" | "done", created_at, attempts, next_attempt_at, last_error, done_at,
 *  passed_filters: [{filter_id, group_id, fid, update_annotations, annotations, autosave, auto_followup, passed_at}],
 *  branch: "new" | "known", is_source, steps: {"candidate": "done", "photometry:alert:1": "done", ...},
 *  not_saved_group_ids: [...]}
 * </pre>
 */
public final class OutboxJobs {

    public static final String PENDING = "pending";
    public static final String DONE = "done";

    private OutboxJobs() {}

    /** Returns the outbox id of an alert, unique per survey and candid, so an alert is posted once. */
    public static String id(String survey, long candid) {
        return survey + ":" + candid;
    }

    /**
     * Returns a new pending outbox document for an alert.
     *
     * @param jd the alert's {@code candidate.jd}, which orders the posts of one object
     */
    public static Document job(
            String survey, long candid, String objectId, double jd, List<PassedFilter> passed, Instant now) {
        List<Document> filters = new ArrayList<>(passed.size());
        for (PassedFilter filter : passed) {
            filters.add(new Document("filter_id", filter.filterId())
                    .append("group_id", filter.groupId())
                    .append("fid", filter.fid())
                    .append("update_annotations", filter.updateAnnotations())
                    .append("annotations", filter.annotations())
                    .append("autosave", filter.autosave())
                    .append("auto_followup", filter.autoFollowup())
                    .append("passed_at", Date.from(filter.passedAt())));
        }
        return new Document("_id", id(survey, candid))
                .append("survey", survey)
                .append("candid", candid)
                .append("object_id", objectId)
                .append("jd", jd)
                .append("status", PENDING)
                .append("created_at", Date.from(now))
                .append("attempts", 0)
                .append("next_attempt_at", Date.from(now))
                .append("passed_filters", filters)
                .append("steps", new Document());
    }
}
