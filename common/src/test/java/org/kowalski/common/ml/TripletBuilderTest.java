package org.kowalski.common.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TripletBuilderTest {

    @Test
    void normalisesEachChannelByL2Norm() {
        float[] science = new float[63 * 63];
        science[0] = 3f;
        science[1] = 4f;
        float[] template = new float[63 * 63];
        template[63 * 63 - 1] = -2f;
        float[] difference = new float[63 * 63];
        difference[5] = Float.NaN;
        difference[6] = 1f;

        float[] triplet = TripletBuilder.build(fits(science), fits(template), fits(difference));

        assertThat(triplet).hasSize(63 * 63 * 3);
        // Science: norm 5, channel 0 of pixels 0 and 1.
        assertThat(triplet[0]).isEqualTo(0.6f);
        assertThat(triplet[3]).isEqualTo(0.8f);
        // Template: the last pixel, channel 1.
        assertThat(triplet[(63 * 63 - 1) * 3 + 1]).isEqualTo(-1f);
        // Difference: NaN becomes 0 before the norm, which is then 1.
        assertThat(triplet[5 * 3 + 2]).isEqualTo(0f);
        assertThat(triplet[6 * 3 + 2]).isEqualTo(1f);
    }

    @Test
    void padsSmallCutoutBottomRight() {
        float[] small = new float[52 * 60];
        small[0] = 2f;
        float[] full = new float[63 * 63];
        full[0] = 1f;

        float[] triplet = TripletBuilder.build(FitsCutouts.gzippedFits(52, 60, small), fits(full), fits(full));

        assertThat(triplet[0]).isEqualTo(1f);
        // Column 51 of row 0 is image data (0), column 52 is padding, and so is every column of row 60.
        assertThat(triplet[51 * 3]).isEqualTo(0f);
        assertThat(triplet[52 * 3]).isEqualTo(1e-9f);
        assertThat(triplet[(60 * 63) * 3]).isEqualTo(1e-9f);
        assertThat(triplet[(62 * 63 + 62) * 3]).isEqualTo(1e-9f);
        // Padding applies to the small channel only.
        assertThat(triplet[52 * 3 + 1]).isEqualTo(0f);
    }

    @Test
    void rejectsCutoutLargerThan63() {
        byte[] large = FitsCutouts.gzippedFits(63, 64, new float[63 * 64]);
        byte[] full = fits(new float[63 * 63]);

        assertThatThrownBy(() -> TripletBuilder.build(full, large, full))
                .isInstanceOf(PreprocessingException.class)
                .hasMessageContaining("cutoutTemplate is 63x64");
    }

    private static byte[] fits(float[] pixels) {
        return FitsCutouts.gzippedFits(63, 63, pixels);
    }
}
