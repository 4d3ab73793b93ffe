package org.kowalski.api.skymap;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.kowalski.common.sky.Coordinates;

/**
 * A circular Gaussian localization, as GCN notices give error circles: the density falls as
 * exp(-d^2 / 2 sigma^2) with the angular distance d from the centre and is cut at 4 sigma.
 *
 * @param raDeg right ascension of the centre in degrees
 * @param decDeg declination of the centre in degrees
 * @param sigmaDeg one-sigma radius in degrees
 */
record GaussianCone(double raDeg, double decDeg, double sigmaDeg) implements Localization {

    static final double CUT_SIGMAS = 4;

    GaussianCone {
        if (!(decDeg >= -90 && decDeg <= 90) || !Double.isFinite(raDeg)) {
            throw new IllegalArgumentException("Invalid cone centre ra=" + raDeg + ", dec=" + decDeg
                    + ": dec must be within [-90, 90] degrees and ra a finite number of degrees");
        }
        if (!(sigmaDeg > 0 && sigmaDeg <= 45)) {
            throw new IllegalArgumentException(
                    "Invalid cone error " + sigmaDeg + ": the one-sigma radius must be in (0, 45] degrees");
        }
    }

    /** Returns the name {@code <ra>_<dec>_<error>} with 5 decimals each, rounded as Python's {@code %.5f}. */
    @Override
    public String name() {
        return fixed5(raDeg) + "_" + fixed5(decDeg) + "_" + fixed5(sigmaDeg);
    }

    @Override
    public double density(double ra, double dec) {
        double distanceDeg = Coordinates.greatCircleDistanceDeg(raDeg, decDeg, ra, dec);
        if (distanceDeg > CUT_SIGMAS * sigmaDeg) {
            return 0;
        }
        double x = distanceDeg / sigmaDeg;
        return Math.exp(-0.5 * x * x);
    }

    @Override
    public SkyBox support() {
        return SkyBox.aroundCap(raDeg, decDeg, CUT_SIGMAS * sigmaDeg);
    }

    @Override
    public double featureSizeDeg() {
        return sigmaDeg;
    }

    @Override
    public double[] maximumRaDec() {
        return new double[] {SkyBox.normalizeRa(raDeg), decDeg};
    }

    /** Formats like Python's {@code "%.5f"}: the exact binary value rounded half to even. */
    static String fixed5(double value) {
        return new BigDecimal(value).setScale(5, RoundingMode.HALF_EVEN).toPlainString();
    }
}
