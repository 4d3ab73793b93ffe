package org.kowalski.common.xmatch;

import org.kowalski.common.config.KowalskiConfig;

/** The quantity in which a galaxy catalog gives distance: redshift, or megaparsecs. */
enum DistanceMethod {
    REDSHIFT,
    MPC;

    /**
     * Returns the method of a catalog: redshift when {@code distance_method} is {@code redshift} or
     * {@code z}, or when {@code distance_value} names the field {@code z}, as in the original; megaparsecs
     * when {@code distance_method} is {@code mpc}.
     *
     * @throws IllegalArgumentException for any other method, which the original silently read as megaparsecs
     */
    static DistanceMethod of(KowalskiConfig.XmatchCatalog catalog) {
        String method = catalog.distanceMethod();
        if ("z".equals(catalog.distanceValue()) || "redshift".equals(method) || "z".equals(method)) {
            return REDSHIFT;
        }
        if ("mpc".equals(method)) {
            return MPC;
        }
        throw new IllegalArgumentException("Unknown distance_method '" + method + "': use redshift, z or mpc");
    }
}
