package org.kowalski.api.skymap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import nom.tam.fits.BasicHDU;
import nom.tam.fits.BinaryTable;
import nom.tam.fits.BinaryTableHDU;
import nom.tam.fits.Fits;
import nom.tam.util.FitsOutputStream;
import org.junit.jupiter.api.Test;
import org.kowalski.api.web.ApiException;
import org.kowalski.common.sky.Coordinates;

class FitsSkymapsTest {

    private static final GaussianCone CONE = new GaussianCone(200, -40, 3);

    @Test
    void ringPixelCentresCoverEveryNestedPixel() {
        int order = 3;
        long pixels = 12L << (2 * order);
        Set<Long> nested = new HashSet<>();
        for (long ring = 0; ring < pixels; ring++) {
            double[] centre = Healpix.ringToAng(order, ring);
            nested.add(Healpix.angToNest(order, centre[0], centre[1]));
        }
        assertThat(nested).hasSize((int) pixels);
    }

    @Test
    void multiOrderFitsGivesConeContour() throws Exception {
        int order = 8;
        List<Long> uniq = new ArrayList<>();
        List<Double> density = new ArrayList<>();
        for (long ipix = 0; ipix < (12L << (2 * order)); ipix++) {
            double[] centre = Healpix.nestToAng(order, ipix);
            double value = CONE.density(centre[0], centre[1]);
            if (value > 0) {
                uniq.add(Healpix.uniq(order, ipix));
                density.add(value);
            }
        }
        BinaryTable table = BinaryTable.fromColumnMajor(new Object[] {
            uniq.stream().mapToLong(Long::longValue).toArray(),
            density.stream().mapToDouble(Double::doubleValue).toArray()
        });
        BinaryTableHDU hdu = table.toHDU();
        hdu.setColumnName(0, "UNIQ", null);
        hdu.setColumnName(1, "PROBDENSITY", "pix-1 sr-1");

        Localization map = SkymapRequests.parseLocalization(
                Map.of("localization_name", "cone.multiorder.fits", "content", base64Gzipped(hdu)));

        assertThat(map).isInstanceOf(MultiOrderMap.class);
        assertContourRadius(map, 2 * Healpix.pixelSizeDeg(order));
    }

    @Test
    void ringOrderedFitsGivesConeContour() throws Exception {
        int order = 7;
        int pixels = 12 << (2 * order);
        double[] probability = new double[pixels];
        for (int ring = 0; ring < pixels; ring++) {
            double[] centre = Healpix.ringToAng(order, ring);
            probability[ring] = CONE.density(centre[0], centre[1]);
        }
        BinaryTableHDU hdu =
                BinaryTable.fromColumnMajor(new Object[] {probability}).toHDU();
        hdu.setColumnName(0, "PROB", null);
        hdu.getHeader().addValue("ORDERING", "RING", "pixel ordering");
        hdu.getHeader().addValue("NSIDE", 1 << order, "resolution");

        Localization map = SkymapRequests.parseLocalization(
                Map.of("localization_name", "cone.fits", "content", "data:application/fits;base64," + base64(hdu)));

        assertContourRadius(map, 2 * Healpix.pixelSizeDeg(order));
    }

    @Test
    void partialSkyFitsGivesConeContour() throws Exception {
        int order = 7;
        List<Long> ringPixels = new ArrayList<>();
        List<Double> probability = new ArrayList<>();
        for (long ring = 0; ring < (12L << (2 * order)); ring++) {
            double[] centre = Healpix.ringToAng(order, ring);
            double value = CONE.density(centre[0], centre[1]);
            if (value > 0) {
                ringPixels.add(ring);
                probability.add(value);
            }
        }
        BinaryTableHDU hdu = BinaryTable.fromColumnMajor(new Object[] {
                    ringPixels.stream().mapToLong(Long::longValue).toArray(),
                    probability.stream().mapToDouble(Double::doubleValue).toArray()
                })
                .toHDU();
        hdu.setColumnName(0, "PIXEL", null);
        hdu.setColumnName(1, "PROB", null);
        hdu.getHeader().addValue("ORDERING", "RING", "pixel ordering");
        hdu.getHeader().addValue("NSIDE", 1 << order, "resolution");
        hdu.getHeader().addValue("INDXSCHM", "EXPLICIT", "partial sky");

        Localization map = SkymapRequests.parseLocalization(
                Map.of("localization_name", "cone.partial.fits", "content", base64Gzipped(hdu)));

        assertThat(ringPixels).hasSizeLessThan(12 << (2 * order));
        assertContourRadius(map, 2 * Healpix.pixelSizeDeg(order));
    }

    @Test
    void partialSkyPixelOutOfRangeRejected() throws Exception {
        BinaryTableHDU hdu = BinaryTable.fromColumnMajor(new Object[] {new long[] {5, 48}, new double[] {0.5, 0.5}})
                .toHDU();
        hdu.setColumnName(0, "PIXEL", null);
        hdu.setColumnName(1, "PROB", null);
        hdu.getHeader().addValue("ORDERING", "NESTED", "pixel ordering");
        hdu.getHeader().addValue("NSIDE", 2, "resolution");
        hdu.getHeader().addValue("INDXSCHM", "EXPLICIT", "partial sky");

        assertThatThrownBy(() -> SkymapRequests.parseLocalization(
                        Map.of("localization_name", "bad.fits", "content", base64(hdu))))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("pixel index 48 in row 2")
                .hasMessageContaining("0 to 47");
    }

    private static void assertContourRadius(Localization map, double toleranceDeg) {
        double expectedRadius = CredibleContoursTest.credibleRadiusDeg(3, 90);
        List<List<List<double[]>>> polygons = CredibleContours.of(map).polygons(90);
        assertThat(polygons).hasSize(1);
        for (double[] vertex : polygons.get(0).get(0)) {
            double distance = Coordinates.greatCircleDistanceDeg(200, -40, vertex[0], vertex[1]);
            assertThat(distance).isCloseTo(expectedRadius, within(toleranceDeg));
        }
    }

    private static String base64(BasicHDU<?> hdu) throws Exception {
        return Base64.getEncoder().encodeToString(fitsBytes(hdu));
    }

    private static String base64Gzipped(BasicHDU<?> hdu) throws Exception {
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(fitsBytes(hdu));
        }
        return Base64.getEncoder().encodeToString(gzipped.toByteArray());
    }

    static byte[] fitsBytes(BasicHDU<?> hdu) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Fits fits = new Fits();
                FitsOutputStream out = new FitsOutputStream(bytes)) {
            fits.addHDU(BasicHDU.getDummyHDU());
            fits.addHDU(hdu);
            fits.write(out);
        }
        return bytes.toByteArray();
    }
}
