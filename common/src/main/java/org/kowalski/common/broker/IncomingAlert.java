package org.kowalski.common.broker;

import org.kowalski.common.alert.MongifiedAlert;

/** A decoded, mongified alert and the Kafka message it came in. */
public record IncomingAlert(MessageOrigin origin, MongifiedAlert alert) {}
