package org.kowalski.api.skymap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A multi-order HEALPix localization as LIGO/Virgo/KAGRA and the GCN tools publish it: NESTED pixels
 * packed as NUNIQ ids, each with a probability density per steradian. Pixels left out have density 0.
 */
final class MultiOrderMap implements Localization {

    private final String name;
    private final Map<Long, Double> densityByUniq;
    private final int minOrder;
    private final int maxOrder;
    private final SkyBox support;
    private final double[] maximum;

    /**
     * @param name localization name
     * @param uniq NUNIQ pixel ids
     * @param probDensity probability density of each pixel, per steradian
     */
    MultiOrderMap(String name, long[] uniq, double[] probDensity) {
        if (uniq.length == 0 || uniq.length != probDensity.length) {
            throw new IllegalArgumentException("Invalid multi-order skymap: uniq has " + uniq.length
                    + " ids and probdensity " + probDensity.length
                    + " values; send one density per pixel and at least one pixel");
        }
        this.name = name;
        this.densityByUniq = new HashMap<>(uniq.length * 2);
        int lowest = Healpix.MAX_ORDER;
        int highest = 0;
        double best = -1;
        long bestUniq = uniq[0];
        List<double[]> centres = new ArrayList<>();
        for (int i = 0; i < uniq.length; i++) {
            int order = Healpix.uniqOrder(uniq[i]);
            if (order > Healpix.MAX_ORDER) {
                throw new IllegalArgumentException("Invalid NUNIQ pixel id " + uniq[i] + ": its order " + order
                        + " is above the HEALPix maximum " + Healpix.MAX_ORDER);
            }
            double density = probDensity[i];
            if (!(density >= 0) || Double.isInfinite(density)) {
                throw new IllegalArgumentException("Invalid probdensity " + density + " of pixel " + uniq[i]
                        + ": densities must be finite and not negative");
            }
            if (density == 0) {
                continue;
            }
            densityByUniq.put(uniq[i], density);
            lowest = Math.min(lowest, order);
            highest = Math.max(highest, order);
            centres.add(Healpix.nestToAng(order, Healpix.uniqIndex(uniq[i])));
            if (density > best) {
                best = density;
                bestUniq = uniq[i];
            }
        }
        if (densityByUniq.isEmpty()) {
            throw new IllegalArgumentException("Invalid multi-order skymap: every probdensity is 0");
        }
        this.minOrder = lowest;
        this.maxOrder = highest;
        // Every pixel lies within one pixel size of its centre; the largest pixels bound the margin.
        this.support = SkyBox.enclosing(centres, 1.5 * Healpix.pixelSizeDeg(lowest));
        this.maximum = Healpix.nestToAng(Healpix.uniqOrder(bestUniq), Healpix.uniqIndex(bestUniq));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double density(double raDeg, double decDeg) {
        long finest = Healpix.angToNest(maxOrder, raDeg, decDeg);
        for (int order = maxOrder; order >= minOrder; order--) {
            Double density = densityByUniq.get(Healpix.uniq(order, finest >> (2 * (maxOrder - order))));
            if (density != null) {
                return density;
            }
        }
        return 0;
    }

    @Override
    public SkyBox support() {
        return support;
    }

    @Override
    public double featureSizeDeg() {
        return Healpix.pixelSizeDeg(maxOrder);
    }

    @Override
    public double[] maximumRaDec() {
        return maximum.clone();
    }
}
