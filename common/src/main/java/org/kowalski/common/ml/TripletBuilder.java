package org.kowalski.common.ml;

import org.kowalski.common.cutout.CutoutDecoder;
import org.kowalski.common.cutout.CutoutImage;

/**
 * Builds the ML triplet of a ZTF alert exactly as the original broker does: for the science, template and
 * difference cutouts (channels 0, 1, 2) it replaces NaN with 0 (and ±infinity with ±Float.MAX_VALUE, as
 * {@code numpy.nan_to_num} does), divides each image by its own L2 (Frobenius) norm in float32, and pads
 * a cutout smaller than 63x63 at the bottom and right with the float32 constant 1e-9.
 *
 * <p>No flip is applied: row 0 is the first row stored in the FITS file. The result is channels-last
 * (NHWC) and row-major: {@code triplet[(row * 63 + column) * 3 + channel]}.
 *
 * <p>Two behaviours of the original are kept on purpose so that scores match what it stores: an all-zero
 * cutout is divided by a zero norm, which gives NaN pixels and then a NaN score, and a cutout larger than
 * 63 pixels on either side is rejected (numpy's pad fails on it), so the alert gets no scores.
 */
final class TripletBuilder {

    static final int SIZE = 63;
    static final int CHANNELS = 3;
    static final int LENGTH = SIZE * SIZE * CHANNELS;

    private static final float PAD_VALUE = 1e-9f;

    private TripletBuilder() {}

    /**
     * Returns the normalised 63x63x3 triplet.
     *
     * @throws PreprocessingException when a cutout is missing, cannot be decoded or is larger than 63x63
     */
    static float[] build(byte[] science, byte[] template, byte[] difference) {
        float[] triplet = new float[LENGTH];
        addChannel(triplet, 0, "cutoutScience", science);
        addChannel(triplet, 1, "cutoutTemplate", template);
        addChannel(triplet, 2, "cutoutDifference", difference);
        return triplet;
    }

    private static void addChannel(float[] triplet, int channel, String field, byte[] cutout) {
        if (cutout == null) {
            throw new PreprocessingException(field + " is missing");
        }
        CutoutImage image;
        try {
            image = CutoutDecoder.decode(cutout);
        } catch (RuntimeException e) {
            throw new PreprocessingException(field + " cannot be decoded: " + e.getMessage(), e);
        }
        if (image.width() > SIZE || image.height() > SIZE) {
            throw new PreprocessingException(field + " is " + image.width() + "x" + image.height()
                    + ", larger than the " + SIZE + "x" + SIZE + " that the models take");
        }

        float[] pixels = image.floatPixels();
        // The sum of squares is accumulated in double, so the norm is the float nearest the exact one.
        // numpy's float32 dot product can differ from it in the last bit or two.
        double sumOfSquares = 0.0;
        for (int i = 0; i < pixels.length; i++) {
            float value = nanToNum(pixels[i]);
            pixels[i] = value;
            sumOfSquares += (double) value * value;
        }
        float norm = (float) Math.sqrt(sumOfSquares);

        for (int row = 0; row < SIZE; row++) {
            for (int column = 0; column < SIZE; column++) {
                float value = row < image.height() && column < image.width()
                        ? pixels[row * image.width() + column] / norm
                        : PAD_VALUE;
                triplet[(row * SIZE + column) * CHANNELS + channel] = value;
            }
        }
    }

    private static float nanToNum(float value) {
        if (Float.isNaN(value)) {
            return 0f;
        }
        if (value == Float.POSITIVE_INFINITY) {
            return Float.MAX_VALUE;
        }
        if (value == Float.NEGATIVE_INFINITY) {
            return -Float.MAX_VALUE;
        }
        return value;
    }
}
