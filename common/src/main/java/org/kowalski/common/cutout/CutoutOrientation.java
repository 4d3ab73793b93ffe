package org.kowalski.common.cutout;

import org.kowalski.common.skyportal.SurveyProfile;

/**
 * Turns cutouts of each survey the way Kowalski shows them: ZTF images are flipped vertically, PGIR
 * images mirrored left-right and then rotated by 270 degrees (numpy {@code rot90(fliplr(x), 3)}), and
 * WINTER and TURBO images are left as stored. Row 0 of the result is drawn at the bottom. Each survey's
 * choice is the {@code cutoutOrientation} of its {@link SurveyProfile}.
 */
public final class CutoutOrientation {

    private CutoutOrientation() {}

    /** A turn applied to a cutout before it is drawn. */
    public enum Turn {
        /** The stored orientation (WINTER, TURBO). */
        NONE,
        /** Rows in reverse order, numpy {@code flipud} (ZTF). */
        FLIP_UP_DOWN,
        /** Columns in reverse order, then a rotation by 270 degrees: numpy {@code rot90(fliplr(x), 3)} (PGIR). */
        FLIP_LEFT_RIGHT_ROTATE_270;

        /** Returns the turned image; {@link #NONE} returns the same instance. */
        public CutoutImage apply(CutoutImage image) {
            return switch (this) {
                case NONE -> image;
                case FLIP_UP_DOWN -> flipRows(image);
                case FLIP_LEFT_RIGHT_ROTATE_270 -> flipRows(flipColumns(transpose(image)));
            };
        }
    }

    /**
     * Returns an image turned for its survey.
     *
     * @param survey {@code ztf}, {@code pgir}, {@code wntr} (or {@code winter}) or {@code turbo}, in any case
     * @throws IllegalArgumentException for another survey
     */
    public static CutoutImage orient(CutoutImage image, String survey) {
        return SurveyProfile.of(survey).cutoutOrientation().apply(image);
    }

    /** Returns the image with its rows in reverse order (numpy {@code flipud}). */
    static CutoutImage flipRows(CutoutImage image) {
        int width = image.width();
        int height = image.height();
        double[] pixels = new double[width * height];
        for (int row = 0; row < height; row++) {
            System.arraycopy(image.pixels(), (height - 1 - row) * width, pixels, row * width, width);
        }
        return new CutoutImage(width, height, image.bitpix(), pixels);
    }

    /** Returns the image with its columns in reverse order (numpy {@code fliplr}). */
    static CutoutImage flipColumns(CutoutImage image) {
        int width = image.width();
        double[] pixels = new double[image.pixels().length];
        for (int row = 0; row < image.height(); row++) {
            for (int column = 0; column < width; column++) {
                pixels[row * width + column] = image.pixels()[row * width + width - 1 - column];
            }
        }
        return new CutoutImage(width, image.height(), image.bitpix(), pixels);
    }

    /**
     * Returns the transpose. numpy's {@code rot90(fliplr(x), 3)} equals the transpose turned by 180
     * degrees, which is why PGIR images are transposed and then flipped both ways.
     */
    static CutoutImage transpose(CutoutImage image) {
        int width = image.width();
        int height = image.height();
        double[] pixels = new double[width * height];
        for (int row = 0; row < height; row++) {
            for (int column = 0; column < width; column++) {
                pixels[column * height + row] = image.pixels()[row * width + column];
            }
        }
        return new CutoutImage(height, width, image.bitpix(), pixels);
    }
}
