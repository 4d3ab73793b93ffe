package org.kowalski.common.alert;

import java.util.List;
import org.bson.Document;

/**
 * An alert prepared for storage: the alert document (the decoded record without its history, plus
 * {@code classifications} and {@code coordinates}), and the history split off it.
 *
 * @param candid the alert's top-level candidate id
 * @param objectId the object id ({@code objectId}, or {@code objectid} for WINTER)
 * @param alert the document stored in the survey's alerts collection; enrichers may add fields
 * @param prvCandidates the packet's previous candidates, as decoded (nulls kept)
 * @param fpHists the packet's forced-photometry points sorted by {@code jd}, as decoded; empty when the
 *     schema has none
 * @param hasFpHists whether the packet's schema has the {@code fp_hists} field (ZTF 4.x), even when it is
 *     null or empty
 */
public record MongifiedAlert(
        long candid,
        String objectId,
        Document alert,
        List<Document> prvCandidates,
        List<Document> fpHists,
        boolean hasFpHists) {

    /** Returns the alert's {@code candidate} sub-document. */
    public Document candidate() {
        return alert.get("candidate", Document.class);
    }
}
