package org.kowalski.api.skymap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kowalski.common.sky.Coordinates;

class CredibleContoursTest {

    /** Radius of the credible region of a cut Gaussian on the sphere, by direct integration of its radial profile. */
    static double credibleRadiusDeg(double sigmaDeg, double levelPercent) {
        int steps = 200_000;
        double cut = GaussianCone.CUT_SIGMAS * sigmaDeg;
        double[] cumulative = new double[steps + 1];
        for (int i = 1; i <= steps; i++) {
            double x = Math.toRadians(cut * (i - 0.5) / steps);
            double s = sigmaDeg * Math.PI / 180;
            cumulative[i] = cumulative[i - 1] + Math.exp(-0.5 * (x / s) * (x / s)) * Math.sin(x);
        }
        double target = cumulative[steps] * levelPercent / 100;
        for (int i = 1; i <= steps; i++) {
            if (cumulative[i] >= target) {
                return cut * i / steps;
            }
        }
        return cut;
    }

    @Test
    void healpixPixelCentresMapBackToTheirPixels() {
        Random random = new Random(7);
        for (int order : new int[] {0, 1, 3, 9, 12, 20}) {
            long pixels = 12L << (2 * order);
            for (int i = 0; i < 2000; i++) {
                long ipix = Math.floorMod(random.nextLong(), pixels);
                double[] centre = Healpix.nestToAng(order, ipix);
                assertThat(Healpix.angToNest(order, centre[0], centre[1]))
                        .as("order %d pixel %d", order, ipix)
                        .isEqualTo(ipix);
            }
        }
    }

    @Test
    void healpixUniqRoundTrips() {
        assertThat(Healpix.uniqOrder(4)).isZero();
        assertThat(Healpix.uniqOrder(Healpix.uniq(9, 12L * 512 * 512 - 1))).isEqualTo(9);
        assertThat(Healpix.uniqIndex(Healpix.uniq(10, 12345))).isEqualTo(12345);
    }

    @Test
    void coneNinetyPercentContourIsCircleOfCredibleRadius() {
        GaussianCone cone = new GaussianCone(90, 30, 10);
        CredibleContours contours = CredibleContours.of(cone);
        List<List<List<double[]>>> polygons = contours.polygons(90);

        double expectedRadius = credibleRadiusDeg(10, 90);
        assertThat(polygons).hasSize(1);
        assertThat(polygons.get(0)).hasSize(1);
        for (double[] vertex : polygons.get(0).get(0)) {
            double distance = Coordinates.greatCircleDistanceDeg(90, 30, vertex[0], vertex[1]);
            assertThat(distance).isCloseTo(expectedRadius, within(contours.stepDeg()));
        }
        assertThat(cone.name()).isEqualTo("90.00000_30.00000_10.00000");
    }

    @Test
    void coneAcrossRaZeroAndPoleStaysOneRing() {
        for (double[] centre : new double[][] {{0.5, 10}, {359.5, -20}, {120, 88}, {10, -89.5}}) {
            GaussianCone cone = new GaussianCone(centre[0], centre[1], 2);
            CredibleContours contours = CredibleContours.of(cone);
            List<List<List<double[]>>> polygons = contours.polygons(50);

            double expectedRadius = credibleRadiusDeg(2, 50);
            assertThat(polygons).as("centre %s", List.of(centre[0], centre[1])).hasSize(1);
            for (double[] vertex : polygons.get(0).get(0)) {
                double distance = Coordinates.greatCircleDistanceDeg(centre[0], centre[1], vertex[0], vertex[1]);
                assertThat(distance).isCloseTo(expectedRadius, within(2 * contours.stepDeg()));
            }
        }
    }

    @Test
    void multiOrderMapOfConeGivesSameContour() {
        // Rasterize the cone at order 8 (0.23 degree pixels), as GCN tools send localizations.
        int order = 8;
        GaussianCone cone = new GaussianCone(200, -40, 3);
        List<Long> uniq = new ArrayList<>();
        List<Double> densities = new ArrayList<>();
        for (long ipix = 0; ipix < (12L << (2 * order)); ipix++) {
            double[] centre = Healpix.nestToAng(order, ipix);
            double density = cone.density(centre[0], centre[1]);
            if (density > 0) {
                uniq.add(Healpix.uniq(order, ipix));
                densities.add(density);
            }
        }
        MultiOrderMap map = new MultiOrderMap(
                "cone",
                uniq.stream().mapToLong(Long::longValue).toArray(),
                densities.stream().mapToDouble(Double::doubleValue).toArray());

        CredibleContours contours = CredibleContours.of(map);
        List<List<List<double[]>>> polygons = contours.polygons(90);

        double expectedRadius = credibleRadiusDeg(3, 90);
        assertThat(polygons).hasSize(1);
        for (double[] vertex : polygons.get(0).get(0)) {
            double distance = Coordinates.greatCircleDistanceDeg(200, -40, vertex[0], vertex[1]);
            assertThat(distance).isCloseTo(expectedRadius, within(2 * Healpix.pixelSizeDeg(order)));
        }
        assertThat(Coordinates.greatCircleDistanceDeg(200, -40, map.maximumRaDec()[0], map.maximumRaDec()[1]))
                .isLessThan(Healpix.pixelSizeDeg(order));
    }

    @Test
    void twoSeparateLobesGiveTwoPolygons() {
        Localization twoLobes = new Localization() {
            final GaussianCone east = new GaussianCone(30, 0, 1);
            final GaussianCone west = new GaussianCone(50, 0, 1);

            public String name() {
                return "two";
            }

            public double density(double raDeg, double decDeg) {
                return east.density(raDeg, decDeg) + west.density(raDeg, decDeg);
            }

            public SkyBox support() {
                return new SkyBox(-5, 5, 25, 30);
            }

            public double featureSizeDeg() {
                return 1;
            }

            public double[] maximumRaDec() {
                return new double[] {30, 0};
            }
        };
        assertThat(CredibleContours.of(twoLobes).polygons(90)).hasSize(2);
    }

    @Test
    void annulusKeepsItsHole() {
        Localization ring = new Localization() {
            public String name() {
                return "annulus";
            }

            public double density(double raDeg, double decDeg) {
                double d = Coordinates.greatCircleDistanceDeg(100, 20, raDeg, decDeg);
                return d > 2 && d < 4 ? 1 : 0;
            }

            public SkyBox support() {
                return SkyBox.aroundCap(100, 20, 4.5);
            }

            public double featureSizeDeg() {
                return 1;
            }

            public double[] maximumRaDec() {
                return new double[] {103, 20};
            }
        };
        List<List<List<double[]>>> polygons = CredibleContours.of(ring).polygons(100);
        assertThat(polygons).hasSize(1);
        assertThat(polygons.get(0)).as("outer ring and one hole").hasSize(2);
    }

    @Test
    void polygonAndEllipseContainTheirCentres() {
        SkyPolygon square = new SkyPolygon(
                "square",
                List.of(new double[] {10, -1}, new double[] {12, -1}, new double[] {12, 1}, new double[] {10, 1}),
                null);
        assertThat(square.density(11, 0)).isEqualTo(1);
        assertThat(square.density(13, 0)).isZero();
        assertThat(CredibleContours.of(square).polygons(90)).hasSize(1);

        SkyEllipse ellipse = new SkyEllipse("ellipse", 150, 10, 2, 0.5, 90);
        assertThat(ellipse.density(151.9, 10)).as("along the major axis, east").isEqualTo(1);
        assertThat(ellipse.density(150, 11)).as("across the major axis, north").isZero();
    }
}
