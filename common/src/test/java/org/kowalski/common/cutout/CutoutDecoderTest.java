package org.kowalski.common.cutout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.kowalski.common.testing.AvroSamples;
import org.kowalski.common.testing.SharedData;

class CutoutDecoderTest {

    private static final String[] ZTF_CUTOUTS = {"cutoutScience", "cutoutTemplate", "cutoutDifference"};
    private static final String[] WINTER_CUTOUTS = {"cutout_science", "cutout_template", "cutout_difference"};

    @Test
    void ztf33CutoutsMatchNomTamFits() throws Exception {
        List<GenericRecord> alerts = AvroSamples.readFolder(SharedData.require("data/ztf_alerts/20200202"));

        assertThat(alerts).hasSize(12);
        for (GenericRecord alert : alerts) {
            for (String field : ZTF_CUTOUTS) {
                byte[] bytes = stampData(alert, field);
                CutoutImage image = CutoutDecoder.decode(bytes);

                assertThat(CutoutDecoder.isGzip(bytes)).as(field).isTrue();
                assertThat(image.width()).as(field).isEqualTo(63);
                assertThat(image.height()).as(field).isEqualTo(63);
                assertThat(image.bitpix()).as(field).isEqualTo(-32);
                assertSamePixelsAsNomTamFits(bytes, image);
            }
        }
    }

    @Test
    void ztf4CutoutsKeepNanPixels() throws Exception {
        List<GenericRecord> alerts = AvroSamples.readFolder(SharedData.require("data/ztf_alerts/20231012"));

        assertThat(alerts).hasSize(24);
        int cutoutsWithNan = 0;
        int maxNanCount = 0;
        for (GenericRecord alert : alerts) {
            for (String field : ZTF_CUTOUTS) {
                byte[] bytes = stampData(alert, field);
                CutoutImage image = CutoutDecoder.decode(bytes);

                assertThat(image.width()).isEqualTo(63);
                assertThat(image.height()).isEqualTo(63);
                assertThat(image.bitpix()).isEqualTo(-32);
                assertSamePixelsAsNomTamFits(bytes, image);
                if (image.nanCount() > 0) {
                    cutoutsWithNan++;
                    maxNanCount = Math.max(maxNanCount, image.nanCount());
                }
            }
        }

        // Some of these real cutouts have NaN pixels (one has 2149 of its 3969), which must survive decoding.
        assertThat(cutoutsWithNan).isPositive();
        assertThat(maxNanCount).isEqualTo(2149);
    }

    @Test
    void pgirCutoutsAre61By61() throws Exception {
        List<GenericRecord> alerts = AvroSamples.readFolder(SharedData.require("data/pgir_alerts/20210629"));

        assertThat(alerts).hasSize(17);
        for (GenericRecord alert : alerts) {
            for (String field : ZTF_CUTOUTS) {
                byte[] bytes = bytesOf(alert.get(field));
                CutoutImage image = CutoutDecoder.decode(bytes);

                assertThat(image.width()).as(field).isEqualTo(61);
                assertThat(image.height()).as(field).isEqualTo(61);
                assertSamePixelsAsNomTamFits(bytes, image);
            }
        }
    }

    @Test
    void winterDifferenceImageIsDouble() throws Exception {
        List<GenericRecord> alerts = AvroSamples.readFolder(SharedData.require("data/wntr_alerts/20240311"));

        assertThat(alerts).hasSize(11);
        for (GenericRecord alert : alerts) {
            List<Integer> bitpixes = new ArrayList<>();
            for (String field : WINTER_CUTOUTS) {
                byte[] bytes = bytesOf(alert.get(field));
                CutoutImage image = CutoutDecoder.decode(bytes);

                assertThat(image.width()).as(field).isEqualTo(81);
                assertThat(image.height()).as(field).isEqualTo(81);
                assertSamePixelsAsNomTamFits(bytes, image);
                bitpixes.add(image.bitpix());
            }
            assertThat(bitpixes.get(2)).as("difference image BITPIX").isEqualTo(-64);
        }
    }

    @Test
    void turboCutoutsMatchNomTamFits() throws Exception {
        List<GenericRecord> alerts = AvroSamples.readFolder(SharedData.require("data/turbo_alerts"));

        assertThat(alerts).hasSize(11);
        for (GenericRecord alert : alerts) {
            int cutouts = 0;
            for (var field : alert.getSchema().getFields()) {
                if (field.name().toLowerCase().startsWith("cutout") && alert.get(field.pos()) instanceof ByteBuffer) {
                    byte[] bytes = bytesOf(alert.get(field.pos()));
                    assertSamePixelsAsNomTamFits(bytes, CutoutDecoder.decode(bytes));
                    cutouts++;
                }
            }
            assertThat(cutouts).as("cutouts per alert").isEqualTo(3);
        }
    }

    @Test
    void plainFitsDecodesRowMajor() {
        byte[] fits = fitsFile(
                List.of(
                        "SIMPLE  =                    T",
                        "BITPIX  =                  -32",
                        "NAXIS   =                    2",
                        "NAXIS1  =                    3",
                        "NAXIS2  =                    2"),
                floatData(1f, 2f, 3f, 4f, Float.NaN, 6f));

        CutoutImage image = CutoutDecoder.decode(fits);

        assertThat(image.width()).isEqualTo(3);
        assertThat(image.height()).isEqualTo(2);
        // Row 0 is the first row stored in the file, and columns follow FITS x within a row.
        assertThat(image.pixel(0, 0)).isEqualTo(1.0);
        assertThat(image.pixel(0, 2)).isEqualTo(3.0);
        assertThat(image.pixel(1, 0)).isEqualTo(4.0);
        assertThat(image.pixel(1, 1)).isNaN();
        assertThat(image.floatPixels()).containsExactly(1f, 2f, 3f, 4f, Float.NaN, 6f);
    }

    @Test
    void gzippedAndPlainFitsDecodeAlike() throws IOException {
        byte[] fits = fitsFile(
                List.of(
                        "SIMPLE  =                    T",
                        "BITPIX  =                  -64",
                        "NAXIS   =                    2",
                        "NAXIS1  =                    2",
                        "NAXIS2  =                    2"),
                doubleData(0.1, -2.5e300, Double.NaN, 4.0));

        CutoutImage plain = CutoutDecoder.decode(fits);
        CutoutImage gzipped = CutoutDecoder.decode(gzip(fits));

        assertThat(gzipped).isEqualTo(plain);
        assertThat(plain.bitpix()).isEqualTo(-64);
        assertThat(plain.pixels()[1]).isEqualTo(-2.5e300);
        assertThat(plain.pixels()[2]).isNaN();
    }

    @Test
    void missingSimpleCardIsTolerated() {
        byte[] fits = fitsFile(
                List.of(
                        "BITPIX  =                  -32 / no SIMPLE card before this one",
                                "NAXIS   =                    2",
                        "NAXIS1  =                    1", "NAXIS2  =                    2"),
                floatData(5f, 7f));

        assertThat(CutoutDecoder.decode(fits).floatPixels()).containsExactly(5f, 7f);
    }

    @Test
    void integerImageAppliesScaleAndBlank() {
        ByteBuffer data =
                ByteBuffer.allocate(6).putShort((short) 10).putShort((short) -1).putShort((short) -32768);
        byte[] fits = fitsFile(
                List.of(
                        "SIMPLE  =                    T",
                        "BITPIX  =                   16",
                        "NAXIS   =                    3",
                        "NAXIS1  =                    3",
                        "NAXIS2  =                    1",
                        "NAXIS3  =                    1",
                        "BSCALE  =                  0.5",
                        "BZERO   =               1.0D2",
                        "BLANK   =               -32768"),
                data.array());

        CutoutImage image = CutoutDecoder.decode(fits);

        assertThat(image.pixels()[0]).isEqualTo(105.0);
        assertThat(image.pixels()[1]).isEqualTo(99.5);
        assertThat(image.pixels()[2]).isNaN();
    }

    @Test
    void invalidInputsAreRejectedWithReason() {
        byte[] truncated = fitsFile(
                List.of(
                        "SIMPLE  =                    T",
                        "BITPIX  =                  -32",
                        "NAXIS   =                    2",
                        "NAXIS1  =                   63",
                        "NAXIS2  =                   63"),
                floatData(1f));
        byte[] cube = fitsFile(
                List.of(
                        "SIMPLE  =                    T",
                        "BITPIX  =                  -32",
                        "NAXIS   =                    3",
                        "NAXIS1  =                    1",
                        "NAXIS2  =                    1",
                        "NAXIS3  =                    2"),
                floatData(1f, 2f));
        byte[] badGzip = {0x1f, (byte) 0x8b, 1, 2, 3};

        assertThatThrownBy(() -> CutoutDecoder.decode(new byte[0]))
                .isInstanceOf(CutoutDecodingException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> CutoutDecoder.decode(truncated))
                .isInstanceOf(CutoutDecodingException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> CutoutDecoder.decode(cube))
                .isInstanceOf(CutoutDecodingException.class)
                .hasMessageContaining("2-D");
        assertThatThrownBy(() -> CutoutDecoder.decode(badGzip))
                .isInstanceOf(CutoutDecodingException.class)
                .hasMessageContaining("decompress");
        assertThatThrownBy(() -> CutoutDecoder.decode("not a fits file".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(CutoutDecodingException.class)
                .hasMessageContaining("END");
    }

    /** Compares every pixel with what nom-tam-fits reads from the same bytes, NaN positions included. */
    private static void assertSamePixelsAsNomTamFits(byte[] bytes, CutoutImage image) throws Exception {
        byte[] fits = CutoutDecoder.isGzip(bytes) ? gunzip(bytes) : bytes;
        try (Fits reader = new Fits(new ByteArrayInputStream(fits))) {
            BasicHDU<?> hdu = reader.readHDU();
            Object kernel = hdu.getKernel();

            assertThat(Array.getLength(kernel)).isEqualTo(image.height());
            for (int row = 0; row < image.height(); row++) {
                Object rowValues = Array.get(kernel, row);
                for (int column = 0; column < image.width(); column++) {
                    double expected = ((Number) Array.get(rowValues, column)).doubleValue();
                    // Boxed comparison, so that NaN equals NaN.
                    assertThat(Double.valueOf(image.pixel(row, column)))
                            .as("pixel row %d column %d", row, column)
                            .isEqualTo(Double.valueOf(expected));
                }
            }
        }
    }

    private static byte[] stampData(GenericRecord alert, String field) {
        return bytesOf(((GenericRecord) alert.get(field)).get("stampData"));
    }

    private static byte[] bytesOf(Object avroBytes) {
        ByteBuffer buffer = ((ByteBuffer) avroBytes).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static byte[] fitsFile(List<String> cards, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(cards);
        all.add("END");
        for (String card : all) {
            out.writeBytes(String.format("%-80s", card).getBytes(StandardCharsets.US_ASCII));
        }
        while (out.size() % 2880 != 0) {
            out.write(' ');
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static byte[] floatData(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return buffer.array();
    }

    private static byte[] doubleData(double... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8);
        for (double value : values) {
            buffer.putDouble(value);
        }
        return buffer.array();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }
}
