package org.kowalski.common.alert;

/** Signals a Kafka message that is not a readable Avro object container of alerts. */
public class AlertDecodingException extends RuntimeException {

    public AlertDecodingException(String message) {
        super(message);
    }

    public AlertDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
