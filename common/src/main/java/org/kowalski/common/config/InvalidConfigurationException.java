package org.kowalski.common.config;

/** Signals a configuration value that a service cannot start with; the message names the key and the fix. */
public class InvalidConfigurationException extends RuntimeException {

    public InvalidConfigurationException(String message) {
        super(message);
    }

    public InvalidConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
