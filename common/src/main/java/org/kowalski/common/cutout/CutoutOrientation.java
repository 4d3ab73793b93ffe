package org.kowalski.common.cutout;

import java.util.Locale;

/**
 * Turns cutouts of each survey the way Kowalski shows them: ZTF images are flipped vertically, PGIR
 * images mirrored left-right and then rotated by 270 degrees (numpy {@code rot90(fliplr(x), 3)}), and
 * WINTER and TURBO images are left as stored. Row 0 of the result is drawn at the bottom.
 */
public final class CutoutOrientation {

    private CutoutOrientation() {}

    /**
     * Returns an image turned for its survey.
     *
     * @param survey {@code ztf}, {@code pgir}, {@code wntr} or {@code turbo}, in any case
     * @throws IllegalArgumentException for another survey
     */
    public static CutoutImage orient(CutoutImage image, String survey) {
        return switch (survey.toLowerCase(Locale.ROOT)) {
            case "ztf" -> flipRows(image);
            case "pgir" -> flipRows(flipColumns(transpose(image)));
            case "wntr", "turbo" -> image;
            default ->
                throw new IllegalArgumentException(
                        "Unknown survey '" + survey + "': expected one of ztf, pgir, wntr, turbo");
        };
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
