package org.kowalski.ingest.read;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvValuesTest {

    @Test
    void integersStayExact() {
        assertThat(CsvValues.parse("9007199254740993")).isEqualTo(9_007_199_254_740_993L);
        assertThat(CsvValues.parse("-42")).isEqualTo(-42L);
        assertThat(CsvValues.parse("+7")).isEqualTo(7L);
        assertThat(CsvValues.parse(" 12 ")).isEqualTo(12L);
    }

    @Test
    void integersBeyondLongStayText() {
        assertThat(CsvValues.parse("18446744073709551615")).isEqualTo("18446744073709551615");
    }

    @Test
    void decimalsBecomeDoubles() {
        assertThat(CsvValues.parse("1.5")).isEqualTo(1.5);
        assertThat(CsvValues.parse("-.25")).isEqualTo(-0.25);
        assertThat(CsvValues.parse("6.02e23")).isEqualTo(6.02e23);
        assertThat(CsvValues.parse("inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(CsvValues.parse("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void javaOnlyNumberFormsStayText() {
        assertThat(CsvValues.parse("0x1p3")).isEqualTo("0x1p3");
        assertThat(CsvValues.parse("1.5d")).isEqualTo("1.5d");
    }

    @Test
    void missingMarkersAndNan() {
        assertThat(CsvValues.parse("")).isNull();
        assertThat(CsvValues.parse("  ")).isNull();
        assertThat(CsvValues.parse("NA")).isNull();
        assertThat(CsvValues.parse("null")).isNull();
        assertThat((Double) CsvValues.parse("NaN")).isNaN();
        assertThat((Double) CsvValues.parse("nan")).isNaN();
    }

    @Test
    void booleansAndText() {
        assertThat(CsvValues.parse("True")).isEqualTo(true);
        assertThat(CsvValues.parse("FALSE")).isEqualTo(false);
        assertThat(CsvValues.parse("J063613.44-042300.8")).isEqualTo("J063613.44-042300.8");
        assertThat(CsvValues.parse("12:34:56.7")).isEqualTo("12:34:56.7");
    }
}
