package org.kowalski.common.skyportal;

/** Draws the PNG thumbnail that SkyPortal shows for one cutout of an alert. */
@FunctionalInterface
public interface ThumbnailRenderer {

    /**
     * Returns the PNG bytes of a cutout.
     *
     * @param cutout the stored cutout: gzipped FITS bytes
     * @param type the SkyPortal thumbnail type: {@code new} (science), {@code ref} (template) or {@code sub}
     *     (difference)
     */
    byte[] render(SurveyProfile profile, byte[] cutout, String type);
}
