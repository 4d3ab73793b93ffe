package org.kowalski.common.broker;

/** Where a Kafka message came from, for logs and the dead-letter copy. */
public record MessageOrigin(String topic, int partition, long offset) {

    @Override
    public String toString() {
        return topic + "/" + partition + "@" + offset;
    }
}
