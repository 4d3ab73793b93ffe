package org.kowalski.common.sky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CoordinatesTest {

    @ParameterizedTest
    @CsvSource({
        "0.0, 00:00:00.0000",
        "10.6847, 00:42:44.3280",
        "83.63308, 05:34:31.9392",
        "180, 12:00:00.0000",
        "359.9999999, 23:59:60.0000",
    })
    void deg2hmsMatchesOriginal(double raDeg, String expected) {
        assertThat(Coordinates.deg2hms(raDeg)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "80.01266744553764, 80:00:45.603",
        "5.25, 05:15:00.000",
        "-5.5, -5:30:00.000",
        "-0.5, -0:30:00.000",
        "-45.123456, -45:07:24.442",
        "0.0, 00:00:00.000",
        "-90, -90:00:00.000",
    })
    void deg2dmsMatchesOriginal(double decDeg, String expected) {
        assertThat(Coordinates.deg2dms(decDeg)).isEqualTo(expected);
    }

    @Test
    void outOfRangeAnglesRejected() {
        assertThatThrownBy(() -> Coordinates.deg2hms(360.0)).hasMessageContaining("Bad RA value in degrees: 360.0");
        assertThatThrownBy(() -> Coordinates.deg2hms(-1)).hasMessageContaining("Bad RA value");
        assertThatThrownBy(() -> Coordinates.deg2hms(Double.NaN)).hasMessageContaining("Bad RA value");
        assertThatThrownBy(() -> Coordinates.deg2dms(90.5)).hasMessageContaining("Bad Dec value in degrees: 90.5");
        assertThatThrownBy(() -> Coordinates.deg2dms(Double.NaN)).hasMessageContaining("Bad Dec value");
    }

    @Test
    void pythonFixedRoundsHalfToEvenOnExactBinaryValue() {
        // 0.125 is exact in binary: Python's format gives '0.12'; 2.675 is stored just below, giving '2.67'.
        assertThat(Coordinates.pythonFixed(0.125, 2, 4)).isEqualTo("0.12");
        assertThat(Coordinates.pythonFixed(2.675, 2, 4)).isEqualTo("2.67");
        assertThat(Coordinates.pythonFixed(-0.0, 0, 2)).isEqualTo("-0");
        assertThat(Coordinates.pythonFixed(7.5, 3, 6)).isEqualTo("07.500");
    }

    @Test
    void geoJsonShiftsLongitude() {
        Document point = Coordinates.geoJsonPoint(10.0, -20.5);

        assertThat(point.getString("type")).isEqualTo("Point");
        assertThat(point.getList("coordinates", Double.class)).containsExactly(-170.0, -20.5);
    }

    @Test
    void galacticOfKnownPositions() {
        // The north Galactic pole (J2000 RA 192.85948, Dec 27.12825) has b = 90.
        assertThat(Coordinates.galactic(192.85948, 27.12825)[1]).isCloseTo(90.0, within(1e-4));
        // The Galactic centre (RA 266.40500, Dec -28.93617) has l = 0, b = 0.
        double[] centre = Coordinates.galactic(266.40500, -28.93617);
        assertThat(centre[0]).isCloseTo(0.0, within(1e-3));
        assertThat(centre[1]).isCloseTo(0.0, within(1e-3));
    }

    @Test
    void eclipticOfEquinoxAndSolstice() {
        double[] equinox = Coordinates.ecliptic(0, 0);
        assertThat(equinox[0]).isCloseTo(0.0, within(1e-9));
        assertThat(equinox[1]).isCloseTo(0.0, within(1e-9));
        // The summer solstice point: RA 90, Dec equal to the obliquity, lies on the ecliptic at lambda 90.
        double[] solstice = Coordinates.ecliptic(90, Coordinates.OBLIQUITY_DEG);
        assertThat(solstice[0]).isCloseTo(90.0, within(1e-9));
        assertThat(solstice[1]).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void greatCircleDistanceAcrossWrapAndPoles() {
        assertThat(Coordinates.greatCircleDistanceDeg(359.9, 0, 0.1, 0)).isCloseTo(0.2, within(1e-12));
        assertThat(Coordinates.greatCircleDistanceDeg(0, 89.9, 180, 89.9)).isCloseTo(0.2, within(1e-12));
        assertThat(Coordinates.greatCircleDistanceDeg(10, 10, 10, 10)).isEqualTo(0.0);
        assertThat(Coordinates.greatCircleDistanceDeg(0, 0, 180, 0)).isCloseTo(180.0, within(1e-12));
        // One arcsecond along the equator.
        assertThat(Coordinates.greatCircleDistanceDeg(100, 0, 100 + 1 / 3600.0, 0) * 3600)
                .isCloseTo(1.0, within(1e-9));
    }

    @Test
    void unitsConvertToRadians() {
        assertThat(Coordinates.toRadians(648_000, "arcsec")).isCloseTo(Math.PI, within(1e-15));
        assertThat(Coordinates.toRadians(10_800, "arcmin")).isCloseTo(Math.PI, within(1e-15));
        assertThat(Coordinates.toRadians(180, "deg")).isCloseTo(Math.PI, within(1e-15));
        assertThat(Coordinates.toRadians(1.5, "rad")).isEqualTo(1.5);
        assertThatThrownBy(() -> Coordinates.toRadians(1, "parsec")).hasMessageContaining("'parsec'");
    }

    @Test
    void radecStrPairsBothStrings() {
        assertThat(Coordinates.radecStr(10.6847, 41.26901)).isEqualTo(List.of("00:42:44.3280", "41:16:08.436"));
    }
}
