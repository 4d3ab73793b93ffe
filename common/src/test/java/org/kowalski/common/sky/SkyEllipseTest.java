package org.kowalski.common.sky;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SkyEllipseTest {

    private static final double M31_RA_DEG = 10.6847;
    private static final double M31_DEC_DEG = 41.26901;
    private static final double M31_SEMI_MAJOR_DEG = 1.624875;
    private static final double M31_AXIS_RATIO = 0.331283;
    private static final double M31_PA_DEG = 35;

    @Test
    void circleIsStrictDistanceTest() {
        Random random = new Random(3L);
        for (int i = 0; i < 2000; i++) {
            double centerRaDeg = 360 * random.nextDouble();
            double centerDecDeg = 178 * random.nextDouble() - 89;
            double radiusDeg = 20 * random.nextDouble();
            double[] point =
                    offset(centerRaDeg, centerDecDeg, 2 * radiusDeg * random.nextDouble(), 360 * random.nextDouble());

            boolean expected =
                    Coordinates.greatCircleDistanceDeg(centerRaDeg, centerDecDeg, point[0], point[1]) < radiusDeg;
            assertThat(SkyEllipse.contains(point[0], point[1], centerRaDeg, centerDecDeg, radiusDeg, 1, 0))
                    .as("point %s", i)
                    .isEqualTo(expected);
        }
    }

    @Test
    void m31OutlineFollowsItsAxes() {
        double minorDeg = Math.toDegrees(Math.atan(M31_AXIS_RATIO * Math.tan(Math.toRadians(M31_SEMI_MAJOR_DEG))));

        // Along the major axis, both ways.
        assertThat(inM31(0.99 * M31_SEMI_MAJOR_DEG, M31_PA_DEG)).isTrue();
        assertThat(inM31(1.01 * M31_SEMI_MAJOR_DEG, M31_PA_DEG)).isFalse();
        assertThat(inM31(0.99 * M31_SEMI_MAJOR_DEG, M31_PA_DEG + 180)).isTrue();
        assertThat(inM31(1.01 * M31_SEMI_MAJOR_DEG, M31_PA_DEG + 180)).isFalse();

        // Along the minor axis.
        assertThat(inM31(0.99 * minorDeg, M31_PA_DEG + 90)).isTrue();
        assertThat(inM31(1.01 * minorDeg, M31_PA_DEG + 90)).isFalse();
        assertThat(inM31(0.99 * minorDeg, M31_PA_DEG - 90)).isTrue();
        assertThat(inM31(1.01 * minorDeg, M31_PA_DEG - 90)).isFalse();

        // The position angle runs from north through east: 1.2 degrees at PA 35 is inside, at PA -35 outside.
        assertThat(inM31(1.2, 35)).isTrue();
        assertThat(inM31(1.2, -35)).isFalse();
    }

    @Test
    void ellipseAcrossRaZero() {
        // Major axis east-west (PA 90) centred at ra 359.9: 0.4 degrees east, across ra 0, is inside.
        assertThat(SkyEllipse.contains(0.3, 0, 359.9, 0, 0.5, 0.5, 90)).isTrue();
        assertThat(SkyEllipse.contains(359.5, 0, 359.9, 0, 0.5, 0.5, 90)).isTrue();
        assertThat(SkyEllipse.contains(359.9, 0.3, 359.9, 0, 0.5, 0.5, 90)).isFalse();
    }

    @Test
    void circleAcrossPole() {
        // From (0, 89.5) over the pole to (180, 89.9) is 0.6 degrees.
        assertThat(SkyEllipse.contains(180, 89.9, 0, 89.5, 0.61, 1, 0)).isTrue();
        assertThat(SkyEllipse.contains(180, 89.9, 0, 89.5, 0.59, 1, 0)).isFalse();
    }

    @Test
    void oppositeHemisphereNeverInside() {
        assertThat(SkyEllipse.contains(180, 0, 0, 0, 89, 1, 0)).isFalse();
    }

    private static boolean inM31(double distanceDeg, double bearingDeg) {
        double[] point = offset(M31_RA_DEG, M31_DEC_DEG, distanceDeg, bearingDeg);
        return SkyEllipse.contains(
                point[0], point[1], M31_RA_DEG, M31_DEC_DEG, M31_SEMI_MAJOR_DEG, M31_AXIS_RATIO, M31_PA_DEG);
    }

    /** Returns the position {distanceDeg} away from a centre along a bearing from north through east. */
    static double[] offset(double raDeg, double decDeg, double distanceDeg, double bearingDeg) {
        double dec = Math.toRadians(decDeg);
        double distance = Math.toRadians(distanceDeg);
        double bearing = Math.toRadians(bearingDeg);
        double dec2 =
                Math.asin(Math.sin(dec) * Math.cos(distance) + Math.cos(dec) * Math.sin(distance) * Math.cos(bearing));
        double deltaRa = Math.atan2(
                Math.sin(bearing) * Math.sin(distance) * Math.cos(dec),
                Math.cos(distance) - Math.sin(dec) * Math.sin(dec2));
        double ra2Deg = ((raDeg + Math.toDegrees(deltaRa)) % 360 + 360) % 360;
        return new double[] {ra2Deg, Math.toDegrees(dec2)};
    }
}
