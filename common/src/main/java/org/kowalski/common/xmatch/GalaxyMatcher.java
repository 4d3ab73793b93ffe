package org.kowalski.common.xmatch;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.sky.Coordinates;
import org.kowalski.common.sky.SkyEllipse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches a position against galaxies with a radius that depends on each galaxy's distance (CLU and
 * NED style catalogs, {@code use_distance: true}), and adds {@code coordinates.distance_arcsec} and
 * {@code coordinates.distance_kpc} to each match.
 *
 * <p>The match radius is {@code cm_low_distance} arcseconds for nearby galaxies (z &lt; 0.01, or
 * D &lt; 40 Mpc), and otherwise the angle of {@code cm_at_distance} kiloparsecs at the galaxy's
 * distance. The galaxy is matched when the position is strictly inside that circle around the galaxy's
 * {@code ra}/{@code dec}, and M31 and M33 are matched against their elongated outlines instead.
 */
final class GalaxyMatcher {

    private static final Logger log = LoggerFactory.getLogger(GalaxyMatcher.class);

    private GalaxyMatcher() {}

    /**
     * Returns the galaxies that match a position, in candidate order, with the two distance fields
     * added to their {@code coordinates}: first the coarse-cone candidates, then M31 and M33 (see
     * {@link LargeGalaxies}) unless the cone already returned their records.
     *
     * @param raDeg right ascension of the position in degrees
     * @param decDeg declination of the position in degrees
     * @param candidates the catalog's documents within its coarse cone; they are modified in place
     */
    static List<Document> match(
            double raDeg,
            double decDeg,
            List<Document> candidates,
            KowalskiConfig.XmatchCatalog catalog,
            String catalogName) {
        DistanceMethod method = DistanceMethod.of(catalog);
        List<Document> galaxies = new ArrayList<>(candidates);
        galaxies.addAll(LargeGalaxies.missingFrom(candidates, catalog.distanceValue(), method));

        List<Document> matches = new ArrayList<>();
        List<Object> skippedIds = new ArrayList<>();
        for (Document galaxy : galaxies) {
            Double galaxyRaDeg = number(galaxy.get("ra"));
            Double galaxyDecDeg = number(galaxy.get("dec"));
            Double distance = number(galaxy.get(catalog.distanceValue()));
            if (galaxyRaDeg == null || galaxyDecDeg == null || distance == null) {
                skippedIds.add(galaxy.get("_id"));
                continue;
            }

            LargeGalaxies.Outline outline = LargeGalaxies.outline(galaxy.get("_id"));
            boolean inside = outline != null
                    ? SkyEllipse.contains(
                            raDeg,
                            decDeg,
                            galaxyRaDeg,
                            galaxyDecDeg,
                            outline.semiMajorDeg(),
                            outline.axisRatio(),
                            outline.positionAngleDeg())
                    : Coordinates.greatCircleDistanceDeg(raDeg, decDeg, galaxyRaDeg, galaxyDecDeg)
                            < matchRadiusDeg(distance, method, catalog.cmAtDistance(), catalog.cmLowDistance());
            if (!inside) {
                continue;
            }

            double separationDeg = Coordinates.greatCircleDistanceDeg(raDeg, decDeg, galaxyRaDeg, galaxyDecDeg);
            Object coordinates = galaxy.get("coordinates");
            Document fields = coordinates instanceof Document existing ? existing : new Document();
            fields.put("distance_arcsec", round2(separationDeg * 3600));
            fields.put("distance_kpc", distanceKpc(separationDeg, distance, method));
            galaxy.put("coordinates", fields);
            matches.add(galaxy);
        }
        if (!skippedIds.isEmpty() && log.isDebugEnabled()) {
            log.debug(
                    "{}: skipped {} galaxies without a numeric ra, dec or {}: _id {}",
                    catalogName,
                    skippedIds.size(),
                    catalog.distanceValue(),
                    skippedIds);
        }
        return matches;
    }

    /**
     * Returns the match radius in degrees.
     *
     * @param distance redshift, or distance in megaparsecs, according to {@code method}
     * @param cmAtDistanceKpc physical match radius for distant galaxies, in kiloparsecs
     * @param cmLowDistanceArcsec match radius for nearby galaxies, in arcseconds
     */
    static double matchRadiusDeg(
            double distance, DistanceMethod method, double cmAtDistanceKpc, double cmLowDistanceArcsec) {
        if (method == DistanceMethod.REDSHIFT) {
            // Nearby and blueshifted galaxies get the fixed radius, since the physical one would be huge.
            if (distance < 0.01) {
                return cmLowDistanceArcsec / 3600;
            }
            // cm_at_distance kpc spans about cm_at_distance arcseconds at z = 0.05, scaled as 1/z.
            return cmAtDistanceKpc * (0.05 / distance) / 3600;
        }
        if (distance < 40) {
            return cmLowDistanceArcsec / 3600;
        }
        return Math.toDegrees(Math.atan(cmAtDistanceKpc / (distance * 1000)));
    }

    /**
     * Returns the projected separation in kiloparsecs, rounded to 2 decimals, or -1 when the distance is
     * too small to use: arcseconds times z/0.05 for z &gt; 0.005, the small-angle arc at D megaparsecs for
     * D &gt; 0.005.
     */
    static double distanceKpc(double separationDeg, double distance, DistanceMethod method) {
        if (method == DistanceMethod.REDSHIFT) {
            return distance > 0.005 ? round2(separationDeg * 3600 * (distance / 0.05)) : -1;
        }
        return distance > 0.005 ? round2(Math.toRadians(separationDeg) * distance * 1000) : -1;
    }

    /** Rounds as Python's {@code round(x, 2)}: the exact binary value, half to even. */
    static double round2(double value) {
        if (!Double.isFinite(value)) {
            return value;
        }
        return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).doubleValue();
    }

    private static Double number(Object value) {
        if (value instanceof Number number && !Double.isNaN(number.doubleValue())) {
            return number.doubleValue();
        }
        return null;
    }
}
