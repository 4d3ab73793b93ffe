package org.kowalski.ingest.read;

/** Signals that a catalog file cannot be opened or decoded; the message names the file and the cause. */
public class CatalogReadException extends RuntimeException {

    public CatalogReadException(String message) {
        super(message);
    }

    public CatalogReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
