package org.kowalski.common.cutout;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Renders cutouts as PNG images the way Kowalski's cutout route shows them, and draws the pictures of
 * SkyPortal thumbnails, whose scaling is chosen elsewhere ({@link #draw}). In {@link #render}, values
 * beyond 1e20 in magnitude and NaNs are replaced by the mean of the finite pixels. The display
 * limits come from an interval (percentile 1 to 100 by default, min-max or IRAF zscale). Values are
 * scaled to [0, 1] within the limits, stretched (linear, log, asinh or sqrt, as astropy's visualization
 * stretches) and mapped through a colormap, with row 0 of the image at the bottom. The result matches
 * matplotlib's rendering in layout and scaling, not pixel for pixel.
 */
public final class CutoutPng {

    /** Side of the rendered square in pixels: a 4-inch figure at 42 dots per inch, as the original draws. */
    public static final int SIZE_PX = 168;

    private static final double LOG_STRETCH_A = 1000;
    private static final double ASINH_STRETCH_A = 0.1;

    private CutoutPng() {}

    /** Mapping of values scaled to [0, 1] within the limits onto [0, 1] brightness. */
    public enum Stretch {
        LINEAR,
        LOG,
        ASINH,
        SQRT;

        /** Returns the stretch of a name in any case, or {@code fallback} for null or an unknown name. */
        public static Stretch parse(String name, Stretch fallback) {
            if (name == null) {
                return fallback;
            }
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return fallback;
            }
        }

        public double apply(double x) {
            return switch (this) {
                case LINEAR -> x;
                case LOG -> Math.log(LOG_STRETCH_A * x + 1) / Math.log(LOG_STRETCH_A + 1);
                case ASINH -> asinh(x / ASINH_STRETCH_A) / asinh(1 / ASINH_STRETCH_A);
                case SQRT -> Math.sqrt(x);
            };
        }
    }

    /** Rule that sets the display limits. */
    public enum Interval {
        /** The 1st percentile to the maximum, the default. */
        PERCENTILE,
        MIN_MAX,
        ZSCALE;

        /** Returns the interval of a name ({@code min_max}, {@code zscale}) or {@link #PERCENTILE} otherwise. */
        public static Interval parse(String name) {
            if (name == null) {
                return PERCENTILE;
            }
            return switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "min_max" -> MIN_MAX;
                case "zscale" -> ZSCALE;
                default -> PERCENTILE;
            };
        }
    }

    /** Colormaps by name, each given by evenly spaced anchor colours and interpolated linearly between them. */
    public enum Colormap {
        BONE(new int[] {0x000000, 0x1c1c27, 0x38384e, 0x545574, 0x707b8f, 0x8ba1ab, 0xa8c7c7, 0xd3e3e3, 0xffffff}),
        GRAY(new int[] {0x000000, 0xffffff}),
        CIVIDIS(new int[] {
            0x00224e, 0x123570, 0x3b496c, 0x575d6d, 0x707173, 0x8a8779, 0xa69d75, 0xc4b56c, 0xe4cf5b, 0xfee838
        }),
        VIRIDIS(new int[] {
            0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b, 0xfde725
        }),
        MAGMA(new int[] {
            0x000004, 0x180f3d, 0x440f76, 0x721f81, 0x9e2f7f, 0xcd4071, 0xf1605d, 0xfd9668, 0xfeca8d, 0xfcfdbf
        });

        private final int[] anchors;

        Colormap(int[] anchors) {
            this.anchors = anchors;
        }

        /** Returns the colormap of a name in any case, or {@link #BONE} for null or an unknown name. */
        public static Colormap parse(String name) {
            if (name == null) {
                return BONE;
            }
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return BONE;
            }
        }

        /** Returns the RGB colour of a value in [0, 1]. */
        int rgb(double value) {
            double position = Math.max(0, Math.min(1, value)) * (anchors.length - 1);
            int low = Math.min(anchors.length - 2, (int) position);
            double fraction = position - low;
            int rgb = 0;
            for (int shift = 16; shift >= 0; shift -= 8) {
                int a = (anchors[low] >> shift) & 0xff;
                int b = (anchors[low + 1] >> shift) & 0xff;
                rgb |= ((int) Math.round(a + (b - a) * fraction)) << shift;
            }
            return rgb;
        }
    }

    /**
     * Returns the PNG bytes of a cutout.
     *
     * @param image the cutout, already turned for its survey ({@link CutoutOrientation})
     */
    public static byte[] render(CutoutImage image, Stretch stretch, Interval interval, Colormap colormap) {
        double[] values = cleaned(image.pixels());
        double[] limits = limits(values, interval);
        double span = limits[1] - limits[0];
        double[] brightness = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            double scaled = span > 0 ? (values[i] - limits[0]) / span : 0;
            brightness[i] = stretch.apply(Math.max(0, Math.min(1, scaled)));
        }
        return draw(new CutoutImage(image.width(), image.height(), image.bitpix(), brightness), 0, 1, colormap);
    }

    /**
     * Returns the PNG bytes of a {@value #SIZE_PX}x{@value #SIZE_PX} picture of values mapped linearly
     * from {@code [low, high]} onto the colormap, clipped at both ends, as matplotlib's {@code imshow} with
     * {@code vmin} and {@code vmax} draws them. Row 0 is drawn at the bottom, and each picture pixel shows
     * the image pixel under its corner (nearest-neighbour resampling). When {@code high <= low} every
     * pixel gets the colormap's first colour, as matplotlib does for {@code vmin == vmax}.
     *
     * @param values finite values, already turned for their survey
     */
    public static byte[] draw(CutoutImage values, double low, double high, Colormap colormap) {
        double span = high - low;
        int width = values.width();
        int height = values.height();
        BufferedImage picture = new BufferedImage(SIZE_PX, SIZE_PX, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE_PX; y++) {
            // Row 0 of the image is drawn at the bottom (matplotlib's origin="lower").
            int row = (int) ((SIZE_PX - 1 - y) * (long) height / SIZE_PX);
            for (int x = 0; x < SIZE_PX; x++) {
                int column = (int) (x * (long) width / SIZE_PX);
                double value = values.pixels()[row * width + column];
                double scaled = span > 0 ? (value - low) / span : 0;
                picture.setRGB(x, y, colormap.rgb(Math.max(0, Math.min(1, scaled))));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(picture, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to encode a cutout as PNG", e);
        }
        return out.toByteArray();
    }

    /** Returns the pixels with NaNs and values beyond 1e20 in magnitude replaced by the mean of the others. */
    public static double[] cleaned(double[] pixels) {
        double sum = 0;
        int count = 0;
        for (double value : pixels) {
            if (Double.isFinite(value) && Math.abs(value) <= 1e20) {
                sum += value;
                count++;
            }
        }
        double mean = count == 0 ? 0 : sum / count;
        double[] values = new double[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            double value = pixels[i];
            values[i] = Double.isFinite(value) && Math.abs(value) <= 1e20 ? value : mean;
        }
        return values;
    }

    /** Returns the display limits {@code [low, high]}. */
    static double[] limits(double[] values, Interval interval) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return switch (interval) {
            case MIN_MAX -> new double[] {sorted[0], sorted[sorted.length - 1]};
            case PERCENTILE -> new double[] {percentile(sorted, 1), sorted[sorted.length - 1]};
            case ZSCALE -> ZScale.limits(values);
        };
    }

    /** Returns a percentile of sorted values with linear interpolation, as numpy's default. */
    public static double percentile(double[] sorted, double percent) {
        double position = percent / 100 * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(sorted.length - 1, low + 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    private static double asinh(double x) {
        return Math.log(x + Math.sqrt(x * x + 1));
    }
}
