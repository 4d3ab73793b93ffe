package org.kowalski.common.skyportal;

/**
 * Draws SkyPortal thumbnails from cutouts with the original's orientation and scaling.
 *
 * <p>TODO: replace this placeholder with the shared cutout renderer once it is in common; until then
 * thumbnails are not drawn and their posts are logged as failed.
 */
public final class Thumbnails implements ThumbnailRenderer {

    @Override
    public byte[] render(SurveyProfile profile, byte[] cutout, String type) {
        throw new UnsupportedOperationException("Thumbnail rendering is not available yet");
    }
}
