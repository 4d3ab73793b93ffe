package org.kowalski.common.broker;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A step that runs after alerts and their history are stored, such as the user filters and the
 * SkyPortal posting. It receives each alert that this broker stored once, in batches, before the
 * batch's Kafka offsets are committed.
 *
 * <p>A store outage signalled by the stage makes the broker retry the batch, and the stage then gets
 * the same alerts again. Any other error is logged and the stage is not run again for those alerts.
 */
@FunctionalInterface
public interface PostStoreStage {

    Mono<Void> process(List<StoredAlert> alerts);
}
