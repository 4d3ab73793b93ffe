package org.kowalski.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

class SkyPositionsTest {

    @Test
    void numbersAreDegrees() throws Exception {
        assertThat(SkyPositions.raDeg(99.05601239035795)).isEqualTo(99.05601239035795);
        assertThat(SkyPositions.raDeg(12.3f)).isEqualTo((double) 12.3f);
        assertThat(SkyPositions.raDeg(15L)).isEqualTo(15.0);
        assertThat(SkyPositions.decDeg(Decimal128.parse("-4.5"))).isEqualTo(-4.5);
        assertThat(SkyPositions.decDeg("-4.383543818417809")).isEqualTo(-4.383543818417809);
    }

    @Test
    void sexagesimalRaInHours() throws Exception {
        double expected = (12 + 34 / 60.0 + 56.7 / 3600) * 15;
        assertThat(SkyPositions.raDeg("12:34:56.7")).isCloseTo(expected, within(1e-12));
        assertThat(SkyPositions.raDeg("12h34m56.7s")).isCloseTo(expected, within(1e-12));
        assertThat(SkyPositions.raDeg("12 34 56.7")).isCloseTo(expected, within(1e-12));
        assertThat(SkyPositions.raDeg("12:30")).isCloseTo(187.5, within(1e-12));
    }

    @Test
    void sexagesimalDecSignFromText() throws Exception {
        assertThat(SkyPositions.decDeg("-00:30:00")).isEqualTo(-0.5);
        assertThat(SkyPositions.decDeg("+12d34m56.7s")).isCloseTo(12 + 34 / 60.0 + 56.7 / 3600, within(1e-12));
        assertThat(SkyPositions.decDeg("-05 30 00")).isEqualTo(-5.5);
    }

    @Test
    void roundingOutsideRangeBroughtIn() throws Exception {
        assertThat(SkyPositions.raDeg(360.0)).isEqualTo(0.0);
        assertThat(SkyPositions.raDeg(-1e-9)).isEqualTo(0.0);
        assertThat(SkyPositions.decDeg(90.0000001)).isEqualTo(90.0);
        assertThat(SkyPositions.decDeg(-90.0000001)).isEqualTo(-90.0);
    }

    @Test
    void badValuesRejectedWithReason() {
        assertReason(() -> SkyPositions.raDeg(null), SkipReason.RA_MISSING);
        assertReason(() -> SkyPositions.raDeg(Double.NaN), SkipReason.RA_NOT_FINITE);
        assertReason(() -> SkyPositions.raDeg("nan"), SkipReason.RA_NOT_FINITE);
        assertReason(() -> SkyPositions.raDeg("north"), SkipReason.RA_INVALID);
        assertReason(() -> SkyPositions.raDeg(true), SkipReason.RA_INVALID);
        assertReason(() -> SkyPositions.raDeg(361.0), SkipReason.RA_OUT_OF_RANGE);
        assertReason(() -> SkyPositions.raDeg(-0.5), SkipReason.RA_OUT_OF_RANGE);
        assertReason(() -> SkyPositions.decDeg(90.01), SkipReason.DEC_OUT_OF_RANGE);
        assertReason(() -> SkyPositions.decDeg(Double.NEGATIVE_INFINITY), SkipReason.DEC_NOT_FINITE);
        assertReason(() -> SkyPositions.decDeg("12:60:00"), SkipReason.DEC_INVALID);
    }

    private interface PositionCall {
        double call() throws SkyPositions.InvalidPositionException;
    }

    private static void assertReason(PositionCall call, SkipReason reason) {
        assertThatThrownBy(call::call)
                .isInstanceOf(SkyPositions.InvalidPositionException.class)
                .extracting(e -> ((SkyPositions.InvalidPositionException) e).reason())
                .isEqualTo(reason);
    }
}
