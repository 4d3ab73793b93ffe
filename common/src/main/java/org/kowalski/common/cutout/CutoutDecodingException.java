package org.kowalski.common.cutout;

/** Signals cutout bytes that are not a readable FITS image. The message names what is wrong. */
public class CutoutDecodingException extends RuntimeException {

    public CutoutDecodingException(String message) {
        super(message);
    }

    public CutoutDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
