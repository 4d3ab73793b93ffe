package org.kowalski.api.skymap;

/**
 * A sky localization: a probability density over the sphere, known up to a constant factor, with the
 * region where it is non-zero. Contours are computed from it by {@link CredibleContours}.
 */
interface Localization {

    /** Returns the localization name stored with the skymap, such as {@code 90.00000_30.00000_10.00000}. */
    String name();

    /**
     * Returns the relative probability density at a position, 0 outside the support.
     *
     * @param raDeg right ascension in degrees
     * @param decDeg declination in degrees
     */
    double density(double raDeg, double decDeg);

    /** Returns a box that contains every position of non-zero density. */
    SkyBox support();

    /** Returns the size of the smallest feature of the density in degrees, which bounds the grid step. */
    double featureSizeDeg();

    /** Returns the position of maximum density as {@code [raDeg, decDeg]}. */
    double[] maximumRaDec();
}
