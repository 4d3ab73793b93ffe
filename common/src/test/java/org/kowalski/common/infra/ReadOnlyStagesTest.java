package org.kowalski.common.infra;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which stages may run on shared documents: those that never change their input in place. */
class ReadOnlyStagesTest {

    /** An input with an embedded document at {@code candidate} and a number at {@code candid}. */
    private static final List<Document> INPUT = List.of(new Document("candid", 11L)
            .append("candidate", new Document("magpsf", 18.5))
            .append("prv_candidates", List.of(new Document("jd", 1.5))));

    /** Converts an Extended JSON pipeline into the server's documents, as the backend receives it. */
    private static List<Object> stages(String json) {
        List<Object> stages = new ArrayList<>();
        for (Object stage : org.bson.Document.parse("{p: " + json + "}").getList("p", Object.class)) {
            stages.add(toServer(stage));
        }
        return stages;
    }

    private static Object toServer(Object value) {
        if (value instanceof Map<?, ?> map) {
            Document document = new Document();
            map.forEach((key, item) -> document.put(String.valueOf(key), toServer(item)));
            return document;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ReadOnlyStagesTest::toServer).toList();
        }
        return value;
    }

    private static boolean readOnly(String json) {
        return ReadOnlyStages.leaveInputUnchanged(stages(json), INPUT);
    }

    @Test
    void filterStagesAreReadOnly() {
        assertThat(readOnly("[]")).isTrue();
        assertThat(readOnly("[{$match: {'candidate.magpsf': {$lt: 19}}}, {$project: {_id: 0, candid: 1}}]"))
                .isTrue();
        assertThat(readOnly("[{$addFields: {tag: '$candid'}}, {$addFields: {n: {$size: '$prv_candidates'}}}]"))
                .isTrue();
        assertThat(readOnly("[{$project: {candidate: 0}}, {$unset: 'candid'}, {$unwind: '$prv_candidates'},"
                        + " {$sort: {candid: 1}}, {$skip: 1}, {$limit: 2}]"))
                .isTrue();
        assertThat(readOnly("[{$match: {candid: 11}}, {$addFields: {extra: '$candidate'}}]"))
                .isTrue();
        assertThat(readOnly("[{$addFields: {flag: true, label: 'x', values: [1, '$candid']}}]"))
                .isTrue();
    }

    @Test
    void inPlaceChangesAreNotReadOnly() {
        // Merges a document into the embedded candidate.
        assertThat(readOnly("[{$addFields: {candidate: '$candidate'}}]")).isFalse();
        assertThat(readOnly("[{$addFields: {candidate: {$mergeObjects: ['$candidate', {a: 1}]}}}]"))
                .isFalse();
        assertThat(readOnly("[{$addFields: {'candidate.extra': 1}}]")).isFalse();
        // After a $project the input is unknown, so only values that are never documents qualify.
        assertThat(readOnly("[{$project: {candid: 1, candidate: 1}}, {$addFields: {tag: '$candid'}}]"))
                .isFalse();
        assertThat(readOnly("[{$project: {candid: 1, candidate: 1}}, {$addFields: {n: {$add: [1, 2]}}}]"))
                .isTrue();
        assertThat(readOnly("[{$addFields: {extra: {$ifNull: ['$x', {}]}}}, {$addFields: {extra: {a: 1}}}]"))
                .isFalse();
        // A path collision writes the lower path into the embedded document taken from the input.
        assertThat(readOnly("[{$project: {candidate: 1, 'candidate.magpsf': 1}}]"))
                .isFalse();
        assertThat(readOnly("[{$project: {'_id.x': 1}}]")).isFalse();
        assertThat(readOnly("[{$group: {_id: '$candid'}}]")).isFalse();
        assertThat(readOnly("[{$replaceRoot: {newRoot: '$candidate'}}]")).isFalse();
    }
}
