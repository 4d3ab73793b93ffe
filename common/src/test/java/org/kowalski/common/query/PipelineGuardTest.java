package org.kowalski.common.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The Python original checked only the top-level stage names against {$unionWith, $out, $merge}, so
 * every pipeline rejected here except the top-level $out ran there.
 */
class PipelineGuardTest {

    private static final PipelineGuard GUARD =
            new PipelineGuard(Set.of("users", "filters", "queries"), Set.of("$out", "$merge", "$unionWith"));

    private static List<Object> pipeline(String json) {
        return Document.parse("{\"p\": " + json + "}").getList("p", Object.class);
    }

    private static ForbiddenPipelineException rejection(String json) {
        return catchThrowableOfType(ForbiddenPipelineException.class, () -> GUARD.checkPipeline(pipeline(json)));
    }

    @Test
    void allowsReadingPipelineWithLookup() {
        String json = "[{\"$match\": {\"candid\": 1}},"
                + " {\"$lookup\": {\"from\": \"ZTF_alerts_aux\", \"localField\": \"objectId\","
                + " \"foreignField\": \"_id\", \"as\": \"aux\"}},"
                + " {\"$facet\": {\"n\": [{\"$count\": \"n\"}]}}]";
        assertThatCode(() -> GUARD.checkPipeline(pipeline(json))).doesNotThrowAnyException();
    }

    @Test
    void rejectsLookupOfUsers() {
        var error = rejection("[{\"$lookup\": {\"from\": \"users\", \"localField\": \"a\", \"foreignField\": \"_id\","
                + " \"as\": \"u\"}}]");
        assertThat(error).isNotNull();
        assertThat(error.reason()).isEqualTo(ForbiddenPipelineException.Reason.PROTECTED_COLLECTION);
        assertThat(error.path()).isEqualTo("pipeline[0].$lookup.from");
        assertThat(error).hasMessageContaining("'users'");
    }

    @Test
    void rejectsProtectedNameWithSpaces() {
        var error = rejection("[{\"$lookup\": {\"from\": \" filters \", \"pipeline\": [], \"as\": \"f\"}}]");
        assertThat(error.reason()).isEqualTo(ForbiddenPipelineException.Reason.PROTECTED_COLLECTION);
    }

    @Test
    void rejectsGraphLookupOfFilters() {
        var error = rejection("[{\"$graphLookup\": {\"from\": \"filters\", \"startWith\": \"$a\","
                + " \"connectFromField\": \"a\", \"connectToField\": \"b\", \"as\": \"g\"}}]");
        assertThat(error.reason()).isEqualTo(ForbiddenPipelineException.Reason.PROTECTED_COLLECTION);
    }

    @Test
    void rejectsLookupInsideFacet() {
        var error = rejection("[{\"$facet\": {\"a\": [{\"$match\": {}}, {\"$lookup\": {\"from\": \"queries\","
                + " \"pipeline\": [], \"as\": \"q\"}}]}}]");
        assertThat(error.reason()).isEqualTo(ForbiddenPipelineException.Reason.PROTECTED_COLLECTION);
        assertThat(error.path()).isEqualTo("pipeline[0].$facet.a[1].$lookup.from");
    }

    @Test
    void rejectsLookupInsideLookupPipeline() {
        var error = rejection("[{\"$lookup\": {\"from\": \"TNS\", \"as\": \"t\", \"pipeline\": ["
                + "{\"$lookup\": {\"from\": \"users\", \"pipeline\": [], \"as\": \"u\"}}]}}]");
        assertThat(error.path()).isEqualTo("pipeline[0].$lookup.pipeline[0].$lookup.from");
    }

    @Test
    void rejectsSystemCollections() {
        var error = rejection("[{\"$lookup\": {\"from\": \"system.profile\", \"pipeline\": [], \"as\": \"p\"}}]");
        assertThat(error.reason()).isEqualTo(ForbiddenPipelineException.Reason.PROTECTED_COLLECTION);
    }

    @Test
    void rejectsOtherDatabase() {
        var error = rejection("[{\"$lookup\": {\"from\": {\"db\": \"admin\", \"coll\": \"x\"}, \"pipeline\": [],"
                + " \"as\": \"p\"}}]");
        assertThat(error.reason()).isEqualTo(ForbiddenPipelineException.Reason.OTHER_DATABASE);
    }

    @Test
    void rejectsForbiddenStagesAtAnyDepth() {
        var topLevel = rejection("[{\"$match\": {}}, {\"$out\": \"copy\"}]");
        assertThat(topLevel.reason()).isEqualTo(ForbiddenPipelineException.Reason.FORBIDDEN_STAGE);
        assertThat(topLevel.forbiddenStages()).containsExactly("$out");
        assertThat(topLevel).hasMessageStartingWith("pipeline uses forbidden stages: {'$out'}");

        var nested = rejection("[{\"$lookup\": {\"from\": \"TNS\", \"as\": \"t\", \"pipeline\": ["
                + "{\"$unionWith\": \"ZTF_alerts\"}]}}]");
        assertThat(nested.forbiddenStages()).containsExactly("$unionWith");
        assertThat(nested.path()).isEqualTo("pipeline[0].$lookup.pipeline[0]");
    }

    @Test
    void rejectsUnionWithOfUsersEvenWhenAllowed() {
        PipelineGuard allowsUnion = new PipelineGuard(Set.of("users"), Set.of());
        var error = catchThrowableOfType(
                ForbiddenPipelineException.class,
                () -> allowsUnion.checkPipeline(pipeline("[{\"$unionWith\": {\"coll\": \"users\"}}]")));
        assertThat(error.reason()).isEqualTo(ForbiddenPipelineException.Reason.PROTECTED_COLLECTION);
        var merge = catchThrowableOfType(
                ForbiddenPipelineException.class,
                () -> allowsUnion.checkPipeline(pipeline("[{\"$merge\": {\"into\": \"users\"}}]")));
        assertThat(merge.reason()).isEqualTo(ForbiddenPipelineException.Reason.PROTECTED_COLLECTION);
    }

    @Test
    void rejectsServerSideJavascript() {
        var where = rejection("[{\"$match\": {\"$where\": \"sleep(100)\"}}]");
        assertThat(where.reason()).isEqualTo(ForbiddenPipelineException.Reason.SERVER_SIDE_JAVASCRIPT);
        assertThat(where.path()).isEqualTo("pipeline[0].$match.$where");

        var function = rejection("[{\"$lookup\": {\"from\": \"TNS\", \"as\": \"t\", \"pipeline\": [{\"$match\":"
                + " {\"$expr\": {\"$function\": {\"body\": \"function() {return true}\", \"args\": [],"
                + " \"lang\": \"js\"}}}}]}}]");
        assertThat(function.reason()).isEqualTo(ForbiddenPipelineException.Reason.SERVER_SIDE_JAVASCRIPT);

        var accumulator = rejection("[{\"$group\": {\"_id\": null, \"a\": {\"$accumulator\": {}}}}]");
        assertThat(accumulator.reason()).isEqualTo(ForbiddenPipelineException.Reason.SERVER_SIDE_JAVASCRIPT);
    }

    @Test
    void rejectsJavascriptInFilters() {
        var error = catchThrowableOfType(
                ForbiddenPipelineException.class,
                () -> GUARD.checkExpression(
                        Document.parse("{\"$or\": [{\"a\": 1}, {\"$where\": \"true\"}]}"), "filter"));
        assertThat(error.path()).isEqualTo("filter.$or[1].$where");
    }

    @Test
    void rejectsInvalidStages() {
        assertThat(rejection("[{}]").reason()).isEqualTo(ForbiddenPipelineException.Reason.INVALID_STAGE);
        assertThat(rejection("[\"$match\"]").reason()).isEqualTo(ForbiddenPipelineException.Reason.INVALID_STAGE);
    }
}
