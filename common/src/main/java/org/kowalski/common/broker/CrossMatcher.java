package org.kowalski.common.broker;

import org.bson.Document;
import org.kowalski.common.alert.MongifiedAlert;
import reactor.core.publisher.Mono;

/**
 * Computes the {@code cross_matches} of an object seen for the first time: one key per configured
 * catalog with the list of its matches. It runs once per new object, and the result is stored in the
 * object's aux document when that document is created.
 *
 * <p>Some matches follow a collection that keeps growing, such as the newest ZTF alert near a PGIR
 * object. {@link #refresh} recomputes those for every later alert of a known object.
 */
@FunctionalInterface
public interface CrossMatcher {

    /** A cross-matcher that finds nothing, for surveys without catalogs. */
    CrossMatcher NONE = alert -> Mono.just(new Document());

    Mono<Document> crossMatch(MongifiedAlert alert);

    /**
     * Returns the matches to replace for a later alert of an object whose aux document exists, keyed by
     * catalog; each key is set as {@code cross_matches.<key>} and the other keys stay as stored. An empty
     * result keeps everything as stored, which is the default.
     */
    default Mono<Document> refresh(MongifiedAlert alert) {
        return Mono.empty();
    }
}
