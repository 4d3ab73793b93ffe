package org.kowalski.common.skyportal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.kowalski.common.alert.AvroDocuments;
import org.kowalski.common.cutout.CutoutDecoder;
import org.kowalski.common.cutout.CutoutDecodingException;
import org.kowalski.common.cutout.CutoutImage;
import org.kowalski.common.testing.AvroSamples;
import org.kowalski.common.testing.SharedData;

/** SkyPortal thumbnails of each survey: sample cutouts, orientation, and WINTER's sigma-clipped range. */
class ThumbnailsTest {

    private static final List<String> TYPES = List.of("new", "ref", "sub");
    private static final int WHITE = 0xffffff;
    private static final Thumbnails THUMBNAILS = new Thumbnails();

    // ------------------------------------------------------------------ sample alerts

    @Test
    void ztfFixtureGivesThreePngs() throws IOException {
        Document alert = sampleAlert("data/ztf_alerts/20200202/1127561444715015009.avro");

        for (String type : TYPES) {
            BufferedImage picture = renderSample(SurveyProfile.ZTF, alert, type);
            assertThat(picture.getWidth()).as(type).isEqualTo(168);
            assertThat(picture.getHeight()).as(type).isEqualTo(168);
            assertThat(colourCount(picture)).as(type).isGreaterThan(10);
        }
    }

    @Test
    void pgirFixtureGivesThreePngs() throws IOException {
        Document alert = sampleAlert("data/pgir_alerts/20210629/114297926.avro");
        assertThat(alert.getString("objectId")).isEqualTo("PGIR19aacbvv");

        for (String type : TYPES) {
            BufferedImage picture = renderSample(SurveyProfile.PGIR, alert, type);
            assertThat(picture.getWidth()).as(type).isEqualTo(168);
            assertThat(picture.getHeight()).as(type).isEqualTo(168);
            assertThat(colourCount(picture)).as(type).isGreaterThan(10);
        }
    }

    @Test
    void winterFixtureGivesThreePngs() throws IOException {
        Document alert = sampleAlert("data/wntr_alerts/20240311/3608694.avro");
        assertThat(alert.getString("objectid")).isEqualTo("WNTR24awati");
        CutoutImage difference = CutoutDecoder.decode(SurveyProfile.WNTR.cutoutBytes(alert, "sub"));
        assertThat(difference.width()).isEqualTo(81);
        assertThat(difference.height()).isEqualTo(81);
        assertThat(difference.bitpix()).isEqualTo(-64);

        for (String type : TYPES) {
            CutoutImage cutout = CutoutDecoder.decode(SurveyProfile.WNTR.cutoutBytes(alert, type));
            assertThat(cutout.width()).as(type).isEqualTo(81);
            BufferedImage picture = renderSample(SurveyProfile.WNTR, alert, type);
            assertThat(picture.getWidth()).as(type).isEqualTo(168);
            assertThat(picture.getHeight()).as(type).isEqualTo(168);
            assertThat(colourCount(picture)).as(type).isGreaterThan(10);
        }
    }

    @Test
    void turboFixtureGivesThreePngs() throws IOException {
        Document alert = sampleAlert("data/turbo_alerts/1.avro");

        for (String type : TYPES) {
            BufferedImage picture = renderSample(SurveyProfile.TURBO, alert, type);
            assertThat(picture.getWidth()).as(type).isEqualTo(168);
            assertThat(picture.getHeight()).as(type).isEqualTo(168);
            assertThat(colourCount(picture)).as(type).isGreaterThan(1);
        }
    }

    // ------------------------------------------------------------------ orientation

    /**
     * One survey's expected place of the bright pixel: the displayed grid (columns x rows) and the bright
     * cell, counted from the left and from the top of the PNG.
     */
    private record Placement(SurveyProfile profile, int columns, int rows, int column, int rowFromTop) {}

    /** Returns a 5-wide, 3-high image with a 0/1 checkerboard and one pixel of 1000 at row 0, column 1. */
    private static double[][] brightPixelImage() {
        double[][] image = new double[3][5];
        for (int row = 0; row < 3; row++) {
            for (int column = 0; column < 5; column++) {
                image[row][column] = (row + column) % 2;
            }
        }
        image[0][1] = 1000;
        return image;
    }

    @Test
    void brightPixelLandsWhereNumpyPutsIt() throws IOException {
        double[][] image = brightPixelImage();
        // Hand-derived places, with row 0 of the turned array drawn at the bottom (origin="lower"). The
        // stored orientation keeps the pixel in the bottom row, and flipud moves it to the top row.
        // rot90(fliplr(x), 3) gives a 5-row, 3-column array with the pixel at row 3, column 2, which is
        // row 1 from the top.
        List<Placement> placements = List.of(
                new Placement(SurveyProfile.ZTF, 5, 3, 1, 0),
                new Placement(SurveyProfile.PGIR, 3, 5, 2, 1),
                new Placement(SurveyProfile.WNTR, 5, 3, 1, 2),
                new Placement(SurveyProfile.TURBO, 5, 3, 1, 2));

        for (Placement placement : placements) {
            String survey = placement.profile().survey();
            double[][] turned = numpyTurn(image, survey);
            int[] bright = brightest(turned);
            assertThat(turned[0].length).as(survey + " numpy columns").isEqualTo(placement.columns());
            assertThat(turned.length).as(survey + " numpy rows").isEqualTo(placement.rows());
            assertThat(bright[1]).as(survey + " numpy column").isEqualTo(placement.column());
            assertThat(turned.length - 1 - bright[0])
                    .as(survey + " numpy row from top")
                    .isEqualTo(placement.rowFromTop());

            for (String type : TYPES) {
                byte[] png = THUMBNAILS.render(placement.profile(), gzip(fits(image)), type);
                int[] box = whiteBox(ImageIO.read(new ByteArrayInputStream(png)));
                String label = survey + " " + type;
                assertThat(box).as(label + " has white pixels").isNotNull();
                int centreX = (box[0] + box[2]) / 2;
                int centreY = (box[1] + box[3]) / 2;
                assertThat(centreX * placement.columns() / 168)
                        .as(label + " column")
                        .isEqualTo(placement.column());
                assertThat(centreY * placement.rows() / 168)
                        .as(label + " row from top")
                        .isEqualTo(placement.rowFromTop());
                assertThat(box[2] - box[0] + 1).as(label + " width").isCloseTo(168 / placement.columns(), within(1));
                assertThat(box[3] - box[1] + 1).as(label + " height").isCloseTo(168 / placement.rows(), within(1));
            }
        }
    }

    /** Turns an image as numpy does for the survey, with numpy's definitions: flipud, fliplr and rot90(m) = flip(m.T, axis=0). */
    private static double[][] numpyTurn(double[][] image, String survey) {
        return switch (survey) {
            case "ZTF" -> flipud(image);
            case "PGIR" -> rot90(rot90(rot90(fliplr(image))));
            default -> image;
        };
    }

    private static double[][] flipud(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[m.length - 1 - i].clone();
        }
        return out;
    }

    private static double[][] fliplr(double[][] m) {
        double[][] out = new double[m.length][m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                out[i][j] = m[i][m[0].length - 1 - j];
            }
        }
        return out;
    }

    /** numpy rot90 with k=1: the transpose with its rows in reverse order (a counter-clockwise turn). */
    private static double[][] rot90(double[][] m) {
        int rows = m.length;
        int columns = m[0].length;
        double[][] transposed = new double[columns][rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                transposed[j][i] = m[i][j];
            }
        }
        return flipud(transposed);
    }

    private static int[] brightest(double[][] m) {
        int[] best = {0, 0};
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                if (m[i][j] > m[best[0]][best[1]]) {
                    best = new int[] {i, j};
                }
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ WINTER scaling

    @Test
    void sigmaClippedLimitsMatchHandComputation() {
        // First pass over 1..9 and 100: median 5.5, std 28.605, so 100 lies beyond 5.5 + 3 * 28.605 and
        // is dropped. Second pass over 1..9: median 5, std sqrt(60 / 9) = 2.5819889, nothing dropped.
        double[] limits = Thumbnails.sigmaClippedLimits(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 100});

        assertThat(limits[0]).isCloseTo(5 - 4 * 2.5819889, within(1e-6));
        assertThat(limits[1]).isCloseTo(5 + 5 * 2.5819889, within(1e-6));
        assertThat(limits[0]).isCloseTo(-5.3279556, within(1e-6));
        assertThat(limits[1]).isCloseTo(17.9099445, within(1e-6));
    }

    @Test
    void missingWinterPixelsBecomeMaximum() {
        // NaN and 1e21 become 9, the maximum of the others. Then 1..9 and 9, 9: nothing is beyond 3 sigma,
        // median 6, mean 63 / 11, std sqrt(447 / 11 - (63 / 11)^2) = 2.7990553.
        double[] values = Thumbnails.missingAsMax(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, Double.NaN, 1e21});
        assertThat(values[9]).isEqualTo(9);
        assertThat(values[10]).isEqualTo(9);

        double[] limits = Thumbnails.sigmaClippedLimits(values);
        assertThat(limits[0]).isCloseTo(6 - 4 * 2.7990553, within(1e-6));
        assertThat(limits[1]).isCloseTo(6 + 5 * 2.7990553, within(1e-6));
    }

    @Test
    void winterThumbnailUsesSigmaClippedRange() throws IOException {
        // Row 0: 1..5, row 1: 6..9 and 100; the limits are -5.3279556 and 17.9099445 as above.
        double[][] image = {{1, 2, 3, 4, 5}, {6, 7, 8, 9, 100}};

        byte[] png = THUMBNAILS.render(SurveyProfile.WNTR, fits(image), "new");
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png));

        // Row 1 is drawn in the top half: its last column, 100, is above the range and so white.
        assertThat(picture.getRGB(160, 10) & WHITE).isEqualTo(WHITE);
        // 9 lies at (9 + 5.3279556) / 23.2379001 = 0.617 of the range: grey, brighter than 1 at the bottom left.
        int nine = picture.getRGB(130, 10) & WHITE;
        int one = picture.getRGB(10, 160) & WHITE;
        assertThat(nine).isNotEqualTo(WHITE);
        assertThat(nine & 0xff).isGreaterThan(one & 0xff);
        assertThat(one & 0xff).isGreaterThan(0);
    }

    @Test
    void undecodableCutoutIsRejected() {
        byte[] notFits = "not a FITS file".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> THUMBNAILS.render(SurveyProfile.ZTF, notFits, "new"))
                .isInstanceOf(CutoutDecodingException.class);
    }

    // ------------------------------------------------------------------ helpers

    private static Document sampleAlert(String file) {
        return AvroDocuments.toDocument(
                AvroSamples.read(SharedData.require(file)).get(0));
    }

    private static BufferedImage renderSample(SurveyProfile profile, Document alert, String type) throws IOException {
        byte[] cutout = profile.cutoutBytes(alert, type);
        assertThat(cutout).as(type + " cutout").isNotEmpty();
        byte[] png = THUMBNAILS.render(profile, cutout, type);
        assertThat(png).as(type + " PNG").isNotEmpty();
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(picture).as(type + " decodes as PNG").isNotNull();
        return picture;
    }

    private static int colourCount(BufferedImage picture) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < picture.getHeight(); y++) {
            for (int x = 0; x < picture.getWidth(); x++) {
                colours.add(picture.getRGB(x, y) & WHITE);
            }
        }
        return colours.size();
    }

    /** Returns {@code [minX, minY, maxX, maxY]} of the white pixels, or {@code null} when there are none. */
    private static int[] whiteBox(BufferedImage picture) {
        int[] box = null;
        for (int y = 0; y < picture.getHeight(); y++) {
            for (int x = 0; x < picture.getWidth(); x++) {
                if ((picture.getRGB(x, y) & WHITE) == WHITE) {
                    box = box == null
                            ? new int[] {x, y, x, y}
                            : new int[] {
                                Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)
                            };
                }
            }
        }
        return box;
    }

    /** Returns a plain FITS file with a BITPIX -64 primary image; {@code image[0]} is the first stored row. */
    static byte[] fits(double[][] image) {
        int height = image.length;
        int width = image[0].length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String card : List.of(
                "SIMPLE  =                    T",
                "BITPIX  =                  -64",
                "NAXIS   =                    2",
                String.format("NAXIS1  = %20d", width),
                String.format("NAXIS2  = %20d", height),
                "END")) {
            out.writeBytes(String.format("%-80s", card).getBytes(StandardCharsets.US_ASCII));
        }
        while (out.size() % 2880 != 0) {
            out.write(' ');
        }
        ByteBuffer data = ByteBuffer.allocate(width * height * 8);
        for (double[] row : image) {
            for (double value : row) {
                data.putDouble(value);
            }
        }
        out.writeBytes(data.array());
        while (out.size() % 2880 != 0) {
            out.write(0);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }
}
