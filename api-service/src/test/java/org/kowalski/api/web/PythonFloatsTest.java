package org.kowalski.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonFloatsTest {

    /** Expected values are CPython 3 {@code repr(float(x))} outputs. */
    @ParameterizedTest
    @CsvSource({
        "1.0, 1.0",
        "0.1, 0.1",
        "-2.5, -2.5",
        "0.0001, 0.0001",
        "0.00001, 1e-05",
        "1.5e-7, 1.5e-07",
        "1e15, 1000000000000000.0",
        "1e16, 1e+16",
        "1.2345678901234568e17, 1.2345678901234568e+17",
        "123456789.123, 123456789.123",
        "71.6577756, 71.6577756",
        "-10.2263957, -10.2263957",
        "2460229.9338542, 2460229.9338542",
        "5e-324, 5e-324",
        "1e23, 1e+23",
        "2e-3, 0.002",
        "1.7976931348623157e308, 1.7976931348623157e+308",
        "0.30000000000000004, 0.30000000000000004",
        "100.0, 100.0",
        "1e-4, 0.0001",
        "123e-20, 1.23e-18"
    })
    void reprMatchesCpython(double value, String expected) {
        assertThat(PythonFloats.repr(value)).isEqualTo(expected);
    }

    @Test
    void reprOfSpecialValues() {
        assertThat(PythonFloats.repr(Double.NaN)).isEqualTo("nan");
        assertThat(PythonFloats.repr(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(PythonFloats.repr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(PythonFloats.repr(-0.0)).isEqualTo("-0.0");
        assertThat(PythonFloats.repr(0.0)).isEqualTo("0.0");
    }

    @Test
    void reprRoundTripsRandomDoubles() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 5_000; i++) {
            double value = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                continue;
            }
            String text = PythonFloats.repr(value);
            assertThat(Double.parseDouble(text)).as(text).isEqualTo(value);
            // No shorter digit string reads back as the same double.
            String digits =
                    PythonFloats.shortestDigits(Math.abs(value)).unscaledValue().toString();
            if (digits.length() > 1) {
                java.math.BigDecimal shorter =
                        new java.math.BigDecimal(Math.abs(value)).round(new java.math.MathContext(digits.length() - 1));
                assertThat(Double.parseDouble(shorter.toString())).isNotEqualTo(Math.abs(value));
            }
        }
    }
}
