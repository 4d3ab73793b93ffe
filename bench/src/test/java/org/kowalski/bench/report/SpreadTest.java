package org.kowalski.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

    @Test
    void oddCountTakesMiddleValue() {
        Spread spread = Spread.of(List.of(30.0, 10.0, 20.0));

        assertThat(spread.median()).isEqualTo(20.0);
        assertThat(spread.min()).isEqualTo(10.0);
        assertThat(spread.max()).isEqualTo(30.0);
        assertThat(spread.runs()).isEqualTo(3);
        assertThat(spread.format(1)).isEqualTo("20.0 (10.0 to 30.0)");
    }

    @Test
    void evenCountAveragesMiddleValues() {
        assertThat(Spread.of(List.of(4.0, 1.0, 3.0, 2.0)).median()).isEqualTo(2.5);
    }

    @Test
    void missingValuesAreLeftOut() {
        Spread spread = Spread.of(Arrays.asList(Double.NaN, 5.0, null));

        assertThat(spread.runs()).isEqualTo(1);
        assertThat(spread.format(0)).isEqualTo("5 (1 run)");
        assertThat(Spread.of(List.of(Double.NaN)).format(0)).isEqualTo("n/a");
    }
}
