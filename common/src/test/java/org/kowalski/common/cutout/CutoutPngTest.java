package org.kowalski.common.cutout;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.kowalski.common.testing.AvroSamples;
import org.kowalski.common.testing.SharedData;

class CutoutPngTest {

    private static final CutoutImage TWO_BY_THREE = new CutoutImage(3, 2, -64, new double[] {0, 1, 2, 3, 4, 5});

    @Test
    void ztfOrientationFlipsRows() {
        CutoutImage turned = CutoutOrientation.orient(TWO_BY_THREE, "ZTF");

        assertThat(turned.width()).isEqualTo(3);
        assertThat(turned.pixels()).containsExactly(3, 4, 5, 0, 1, 2);
    }

    @Test
    void pgirOrientationMatchesNumpyRot90OfFliplr() {
        // numpy: rot90(fliplr([[0, 1, 2], [3, 4, 5]]), 3) == [[5, 2], [4, 1], [3, 0]]
        CutoutImage turned = CutoutOrientation.orient(TWO_BY_THREE, "pgir");

        assertThat(turned.width()).isEqualTo(2);
        assertThat(turned.height()).isEqualTo(3);
        assertThat(turned.pixels()).containsExactly(5, 2, 4, 1, 3, 0);
    }

    @Test
    void winterAndTurboKeepStoredOrientation() {
        assertThat(CutoutOrientation.orient(TWO_BY_THREE, "wntr")).isSameAs(TWO_BY_THREE);
        assertThat(CutoutOrientation.orient(TWO_BY_THREE, "turbo")).isSameAs(TWO_BY_THREE);
    }

    @Test
    void brightestPixelDrawnWhiteAtItsPlace() throws Exception {
        Path file = SharedData.require("data/ztf_alerts/20200202/1127561444715015009.avro");
        GenericRecord alert = AvroSamples.read(file).get(0);
        ByteBuffer stamp = (ByteBuffer) ((GenericRecord) alert.get("cutoutScience")).get("stampData");
        byte[] bytes = new byte[stamp.remaining()];
        stamp.duplicate().get(bytes);
        CutoutImage image = CutoutOrientation.orient(CutoutDecoder.decode(bytes), "ztf");

        byte[] png =
                CutoutPng.render(image, CutoutPng.Stretch.LOG, CutoutPng.Interval.PERCENTILE, CutoutPng.Colormap.BONE);
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png));

        assertThat(picture.getWidth()).isEqualTo(CutoutPng.SIZE_PX);
        assertThat(picture.getHeight()).isEqualTo(CutoutPng.SIZE_PX);
        int brightest = 0;
        for (int i = 1; i < image.pixels().length; i++) {
            if (image.pixels()[i] > image.pixels()[brightest]) {
                brightest = i;
            }
        }
        int row = brightest / image.width();
        int column = brightest % image.width();
        // Centre of that pixel in the picture, with row 0 at the bottom.
        int x = (int) ((column + 0.5) * CutoutPng.SIZE_PX / image.width());
        int y = CutoutPng.SIZE_PX - 1 - (int) ((row + 0.5) * CutoutPng.SIZE_PX / image.height());
        assertThat(picture.getRGB(x, y) & 0xffffff).isEqualTo(0xffffff);
    }

    @Test
    void nanPixelsTakeTheMean() {
        double[] cleaned = CutoutPng.cleaned(new double[] {1, Double.NaN, 3, 1e30});

        assertThat(cleaned).containsExactly(1, 2, 3, 2);
    }

    @Test
    void zscaleOfNoiseWithOutliersStaysNearTheNoise() {
        Random random = new Random(3);
        double[] values = new double[63 * 63];
        for (int i = 0; i < values.length; i++) {
            values[i] = 100 + 5 * random.nextGaussian();
        }
        values[10] = 1e5;
        values[20] = -1e4;

        double[] limits = ZScale.limits(values);

        double[] sorted = values.clone();
        Arrays.sort(sorted);
        assertThat(limits[0]).isGreaterThan(sorted[0]).isLessThan(100);
        assertThat(limits[1]).isLessThan(sorted[sorted.length - 1]).isGreaterThan(100);
        assertThat(limits[1] - limits[0]).isLessThan(200);
    }

    @Test
    void unknownNamesFallBackToDefaults() {
        assertThat(CutoutPng.Stretch.parse("Asinh", CutoutPng.Stretch.LOG)).isEqualTo(CutoutPng.Stretch.ASINH);
        assertThat(CutoutPng.Stretch.parse("cube", CutoutPng.Stretch.LOG)).isEqualTo(CutoutPng.Stretch.LOG);
        assertThat(CutoutPng.Interval.parse("zscale")).isEqualTo(CutoutPng.Interval.ZSCALE);
        assertThat(CutoutPng.Interval.parse("other")).isEqualTo(CutoutPng.Interval.PERCENTILE);
        assertThat(CutoutPng.Colormap.parse("VIRIDIS")).isEqualTo(CutoutPng.Colormap.VIRIDIS);
        assertThat(CutoutPng.Colormap.parse("jet")).isEqualTo(CutoutPng.Colormap.BONE);
    }
}
