package org.kowalski.common.broker;

import org.bson.Document;
import org.kowalski.common.alert.MongifiedAlert;
import reactor.core.publisher.Mono;

/**
 * Computes the {@code cross_matches} of an object seen for the first time: one key per configured
 * catalog with the list of its matches. It runs once per new object, and the result is stored in the
 * object's aux document when that document is created.
 */
@FunctionalInterface
public interface CrossMatcher {

    /** A cross-matcher that finds nothing, for surveys without catalogs. */
    CrossMatcher NONE = alert -> Mono.just(new Document());

    Mono<Document> crossMatch(MongifiedAlert alert);
}
