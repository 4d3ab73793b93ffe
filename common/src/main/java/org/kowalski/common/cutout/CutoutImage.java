package org.kowalski.common.cutout;

import java.util.Arrays;

/**
 * A decoded 2-D cutout image.
 *
 * <p>Pixels are stored row-major: {@code pixels[row * width + column]}. Row 0 is the first row stored in
 * the FITS file (FITS pixel y = 1), and column 0 is FITS pixel x = 1. No flip is applied, so an image
 * shown with row 0 at the top appears upside down compared with the usual FITS display (y = 1 at the
 * bottom). NaN pixels of the file, and the BLANK value of integer images, are NaN here.
 *
 * @param width number of columns (FITS NAXIS1)
 * @param height number of rows (FITS NAXIS2)
 * @param bitpix the FITS BITPIX of the stored data: -32 (float), -64 (double), or 8, 16, 32, 64 (integers)
 * @param pixels the physical values (BSCALE and BZERO applied), {@code width * height} of them
 */
public record CutoutImage(int width, int height, int bitpix, double[] pixels) {

    public CutoutImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("width and height must be positive, got " + width + "x" + height);
        }
        if (pixels.length != width * height) {
            throw new IllegalArgumentException(
                    "expected " + width * height + " pixels for " + width + "x" + height + ", got " + pixels.length);
        }
    }

    /** Returns the pixel at a row (0 = first row stored in the file) and a column. */
    public double pixel(int row, int column) {
        return pixels[row * width + column];
    }

    /**
     * Returns the pixels rounded to float, in the same row-major order. Float images (BITPIX -32) come back
     * exactly as stored in the file.
     */
    public float[] floatPixels() {
        float[] values = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            values[i] = (float) pixels[i];
        }
        return values;
    }

    /** Returns the number of NaN pixels. */
    public int nanCount() {
        int count = 0;
        for (double value : pixels) {
            if (Double.isNaN(value)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CutoutImage image
                && width == image.width
                && height == image.height
                && bitpix == image.bitpix
                && Arrays.equals(pixels, image.pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * width + height) + bitpix) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "CutoutImage[" + width + "x" + height + ", BITPIX " + bitpix + "]";
    }
}
