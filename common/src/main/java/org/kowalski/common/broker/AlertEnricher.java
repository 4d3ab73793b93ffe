package org.kowalski.common.broker;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A step that adds fields to alerts before they are stored, such as the machine-learning scores under
 * {@code classifications}, so that they are written with the alert. It receives only alerts not stored
 * yet, in batches, and edits {@code alert().alert()} in place. It may read the store (for an object's
 * history, for example). An error other than a store outage is logged and the alerts are stored
 * without the step's fields; an enricher that can fail for single alerts should handle that itself.
 */
@FunctionalInterface
public interface AlertEnricher {

    Mono<Void> enrich(List<IncomingAlert> alerts);
}
