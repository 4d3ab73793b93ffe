package org.kowalski.common.skyportal;

import java.util.Arrays;
import org.kowalski.common.cutout.CutoutDecoder;
import org.kowalski.common.cutout.CutoutImage;
import org.kowalski.common.cutout.CutoutPng;

/**
 * Draws SkyPortal thumbnails from cutouts with the original Kowalski's orientation and scaling, as
 * {@value CutoutPng#SIZE_PX}x{@value CutoutPng#SIZE_PX} PNG images in the bone colormap.
 *
 * <p>The cutout is decoded (gzipped or plain FITS) and turned by the survey's {@link
 * SurveyProfile#cutoutOrientation()}. Values beyond 1e20 in magnitude count as missing. The grey levels
 * then follow the survey's {@link SurveyProfile#thumbnailScaling()}:
 *
 * <ul>
 *   <li>{@code PERCENTILE}: missing values become the mean of the others; the image is scaled to [0, 1]
 *       over its minimum and maximum and stretched (log with a = 1000, or linear for the difference
 *       cutout), and the display range is the 1st percentile to the maximum of the stretched values;
 *   <li>{@code SIGMA_CLIPPED}: missing values become the maximum of the others; the display range is the
 *       sigma-clipped median minus 4 standard deviations to the median plus 5, on the raw values.
 * </ul>
 */
public final class Thumbnails implements ThumbnailRenderer {

    /** Clipping threshold of the sigma-clipped statistics, in standard deviations (astropy's default). */
    static final double CLIP_SIGMAS = 3;

    /** Maximum clipping iterations of the sigma-clipped statistics (astropy's default). */
    static final int CLIP_MAX_ITERATIONS = 5;

    private static final double MISSING_ABOVE = 1e20;

    /**
     * {@inheritDoc}
     *
     * @throws org.kowalski.common.cutout.CutoutDecodingException when the cutout is not gzipped or plain FITS
     *     with a 2-D primary image
     */
    @Override
    public byte[] render(SurveyProfile profile, byte[] cutout, String type) {
        CutoutImage image = profile.cutoutOrientation().apply(CutoutDecoder.decode(cutout));
        return switch (profile.thumbnailScaling()) {
            case PERCENTILE ->
                renderPercentile(image, "sub".equals(type) ? CutoutPng.Stretch.LINEAR : CutoutPng.Stretch.LOG);
            case SIGMA_CLIPPED -> renderSigmaClipped(image);
        };
    }

    private static byte[] renderPercentile(CutoutImage image, CutoutPng.Stretch stretch) {
        double[] values = CutoutPng.cleaned(image.pixels());
        double min = Arrays.stream(values).min().orElse(0);
        double max = Arrays.stream(values).max().orElse(0);
        double span = max - min;
        double[] stretched = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            stretched[i] = stretch.apply(span > 0 ? (values[i] - min) / span : 0);
        }
        double[] sorted = stretched.clone();
        Arrays.sort(sorted);
        CutoutImage normalized = new CutoutImage(image.width(), image.height(), image.bitpix(), stretched);
        return CutoutPng.draw(
                normalized, CutoutPng.percentile(sorted, 1), sorted[sorted.length - 1], CutoutPng.Colormap.BONE);
    }

    private static byte[] renderSigmaClipped(CutoutImage image) {
        double[] values = missingAsMax(image.pixels());
        double[] limits = sigmaClippedLimits(values);
        CutoutImage filled = new CutoutImage(image.width(), image.height(), image.bitpix(), values);
        return CutoutPng.draw(filled, limits[0], limits[1], CutoutPng.Colormap.BONE);
    }

    /** Returns the pixels with NaNs and values beyond 1e20 in magnitude replaced by the maximum of the others. */
    static double[] missingAsMax(double[] pixels) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : pixels) {
            if (isPresent(value)) {
                max = Math.max(max, value);
            }
        }
        double fill = max == Double.NEGATIVE_INFINITY ? 0 : max;
        double[] values = new double[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            values[i] = isPresent(pixels[i]) ? pixels[i] : fill;
        }
        return values;
    }

    /**
     * Returns the display range {@code [median - 4 sigma, median + 5 sigma]} from sigma-clipped statistics,
     * as astropy's {@code sigma_clipped_stats} computes them with its defaults: values more than 3 standard
     * deviations from the median are dropped, up to 5 times or until none is dropped, and the median and
     * the population standard deviation of the remaining values are returned.
     *
     * @param values finite values
     */
    static double[] sigmaClippedLimits(double[] values) {
        double[] unclipped = values.clone();
        for (int iteration = 0; iteration < CLIP_MAX_ITERATIONS; iteration++) {
            double median = median(unclipped);
            double sigma = standardDeviation(unclipped);
            double low = median - CLIP_SIGMAS * sigma;
            double high = median + CLIP_SIGMAS * sigma;
            double[] next = Arrays.stream(unclipped)
                    .filter(value -> value >= low && value <= high)
                    .toArray();
            boolean changed = next.length != unclipped.length;
            unclipped = next;
            if (!changed || unclipped.length == 0) {
                break;
            }
        }
        if (unclipped.length == 0) {
            return new double[] {0, 0};
        }
        double median = median(unclipped);
        double sigma = standardDeviation(unclipped);
        return new double[] {median - 4 * sigma, median + 5 * sigma};
    }

    private static boolean isPresent(double value) {
        return Double.isFinite(value) && Math.abs(value) <= MISSING_ABOVE;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle]);
    }

    /** Returns the population standard deviation (numpy's default, ddof 0). */
    private static double standardDeviation(double[] values) {
        double mean = Arrays.stream(values).average().orElse(0);
        double sumSquares = 0;
        for (double value : values) {
            sumSquares += (value - mean) * (value - mean);
        }
        return Math.sqrt(sumSquares / values.length);
    }
}
