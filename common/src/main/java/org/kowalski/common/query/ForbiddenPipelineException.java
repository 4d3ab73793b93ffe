package org.kowalski.common.query;

import java.util.Set;

/**
 * A filter or aggregation pipeline that {@link PipelineGuard} rejects. The message names the offending
 * stage or operator, where it sits (such as {@code pipeline[1].$lookup.pipeline[0]}) and the fix.
 */
public class ForbiddenPipelineException extends RuntimeException {

    /** The reason a pipeline was rejected. */
    public enum Reason {
        /** A stage of the policy's forbidden set, such as {@code $out}, at any depth. */
        FORBIDDEN_STAGE,
        /** A stage that reads or writes a protected collection, such as {@code users}. */
        PROTECTED_COLLECTION,
        /** A stage that names another database. */
        OTHER_DATABASE,
        /** A server-side JavaScript operator: {@code $where}, {@code $function} or {@code $accumulator}. */
        SERVER_SIDE_JAVASCRIPT,
        /** A stage that is not an object with exactly one key. */
        INVALID_STAGE
    }

    private final Reason reason;
    private final String path;
    private final Set<String> forbiddenStages;

    ForbiddenPipelineException(Reason reason, String path, Set<String> forbiddenStages, String message) {
        super(message);
        this.reason = reason;
        this.path = path;
        this.forbiddenStages = Set.copyOf(forbiddenStages);
    }

    public Reason reason() {
        return reason;
    }

    /** Returns where the first violation sits, such as {@code pipeline[2].$facet.a[0]}. */
    public String path() {
        return path;
    }

    /** Returns every forbidden stage name found, in the order met, for {@link Reason#FORBIDDEN_STAGE}. */
    public Set<String> forbiddenStages() {
        return forbiddenStages;
    }
}
