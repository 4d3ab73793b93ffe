package org.kowalski.common.skyportal;

/**
 * SkyPortal could not be reached, timed out, or replied with a status that means "try again later"
 * (405, 429, 500, 502, 503, 504). The outbox keeps the post and retries it.
 */
public class SkyPortalUnavailableException extends RuntimeException {

    private final boolean requestSent;

    /**
     * @param requestSent whether the request may have reached SkyPortal; {@code false} only when the
     *     connection was never established, so a retry cannot repeat it
     */
    public SkyPortalUnavailableException(String message, boolean requestSent, Throwable cause) {
        super(message, cause);
        this.requestSent = requestSent;
    }

    /** Returns whether the request may have reached SkyPortal before the failure. */
    public boolean requestSent() {
        return requestSent;
    }
}
