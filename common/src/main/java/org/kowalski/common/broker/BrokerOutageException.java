package org.kowalski.common.broker;

/**
 * Signals that the store, or Kafka for a dead-letter copy, is unreachable: the batch was not (fully)
 * processed and must be retried without committing its offsets.
 */
public class BrokerOutageException extends RuntimeException {

    public BrokerOutageException(String message, Throwable cause) {
        super(message, cause);
    }
}
