package org.kowalski.common.xmatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.kowalski.common.config.KowalskiConfig;

class GalaxyMatcherTest {

    private static final double ARCSEC_PER_RAD = 206264.80624709636;

    @Test
    void redshiftRadiusFollowsDistance() {
        // Below z = 0.01, and for blueshifts, the fixed 300" radius.
        assertThat(GalaxyMatcher.matchRadiusDeg(0.0099, DistanceMethod.REDSHIFT, 30, 300) * 3600)
                .isCloseTo(300, within(1e-9));
        assertThat(GalaxyMatcher.matchRadiusDeg(-0.001, DistanceMethod.REDSHIFT, 30, 300) * 3600)
                .isCloseTo(300, within(1e-9));
        // 30 kpc is 30" at z = 0.05, 15" at z = 0.1, 150" at z = 0.01.
        assertThat(GalaxyMatcher.matchRadiusDeg(0.05, DistanceMethod.REDSHIFT, 30, 300) * 3600)
                .isCloseTo(30, within(1e-9));
        assertThat(GalaxyMatcher.matchRadiusDeg(0.1, DistanceMethod.REDSHIFT, 30, 300) * 3600)
                .isCloseTo(15, within(1e-9));
        assertThat(GalaxyMatcher.matchRadiusDeg(0.01, DistanceMethod.REDSHIFT, 30, 300) * 3600)
                .isCloseTo(150, within(1e-9));
    }

    @Test
    void megaparsecRadiusFollowsDistance() {
        assertThat(GalaxyMatcher.matchRadiusDeg(39.9, DistanceMethod.MPC, 30, 5) * 3600)
                .isCloseTo(5, within(1e-9));
        // 30 kpc at 200 Mpc subtends atan(30 / 200000) rad = 30.94".
        assertThat(GalaxyMatcher.matchRadiusDeg(200, DistanceMethod.MPC, 30, 300) * 3600)
                .isCloseTo(Math.atan(1.5e-4) * ARCSEC_PER_RAD, within(1e-9))
                .isCloseTo(30.94, within(0.01));
    }

    @Test
    void distanceKpcRules() {
        // Redshift: arcseconds times z / 0.05 above z = 0.005, else -1.
        assertThat(GalaxyMatcher.distanceKpc(60.0 / 3600, 0.02, DistanceMethod.REDSHIFT))
                .isEqualTo(24.0);
        assertThat(GalaxyMatcher.distanceKpc(60.0 / 3600, 0.005, DistanceMethod.REDSHIFT))
                .isEqualTo(-1.0);
        // Megaparsecs: the arc in kpc above 0.005 Mpc, else -1; 100" at 10 Mpc is 4.848 kpc.
        assertThat(GalaxyMatcher.distanceKpc(100.0 / 3600, 10, DistanceMethod.MPC))
                .isEqualTo(4.85);
        assertThat(GalaxyMatcher.distanceKpc(100.0 / 3600, 0.005, DistanceMethod.MPC))
                .isEqualTo(-1.0);
    }

    @Test
    void round2MatchesPythonRound() {
        // Python: round(2.675, 2) == 2.67 (the binary value is below the tie), round(0.125, 2) == 0.12.
        assertThat(GalaxyMatcher.round2(2.675)).isEqualTo(2.67);
        assertThat(GalaxyMatcher.round2(0.125)).isEqualTo(0.12);
        assertThat(GalaxyMatcher.round2(0.375)).isEqualTo(0.38);
        assertThat(GalaxyMatcher.round2(-1.005)).isEqualTo(-1.0);
        assertThat(GalaxyMatcher.round2(4320.000000001)).isEqualTo(4320.0);
    }

    @Test
    void distanceMethodFromConfiguration() {
        assertThat(DistanceMethod.of(catalog("z", "redshift"))).isEqualTo(DistanceMethod.REDSHIFT);
        assertThat(DistanceMethod.of(catalog("zbest", "z"))).isEqualTo(DistanceMethod.REDSHIFT);
        assertThat(DistanceMethod.of(catalog("z", "mpc"))).isEqualTo(DistanceMethod.REDSHIFT);
        assertThat(DistanceMethod.of(catalog("DistMpc", "mpc"))).isEqualTo(DistanceMethod.MPC);
        assertThatThrownBy(() -> DistanceMethod.of(catalog("DistMpc", "parsec")))
                .hasMessageContaining("Unknown distance_method 'parsec'");
    }

    private static KowalskiConfig.XmatchCatalog catalog(String distanceValue, String distanceMethod) {
        return new KowalskiConfig.XmatchCatalog(
                300.0, "arcsec", null, null, true, distanceValue, distanceMethod, 30.0, 300.0);
    }
}
