package org.kowalski.common.ml;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.kowalski.common.cutout.CutoutDecoder;
import org.kowalski.common.cutout.CutoutImage;

/** Writes synthetic gzipped FITS cutouts (BITPIX -32), such as a real cutout cropped to another size. */
final class FitsCutouts {

    private FitsCutouts() {}

    /** Returns the first {@code height} rows and {@code width} columns of a real cutout as gzipped FITS. */
    static byte[] crop(byte[] cutout, int width, int height) {
        CutoutImage image = CutoutDecoder.decode(cutout);
        float[] pixels = new float[width * height];
        for (int row = 0; row < height; row++) {
            for (int column = 0; column < width; column++) {
                pixels[row * width + column] = (float) image.pixel(row, column);
            }
        }
        return gzippedFits(width, height, pixels);
    }

    static byte[] gzippedFits(int width, int height, float[] pixels) {
        ByteArrayOutputStream fits = new ByteArrayOutputStream();
        String[] cards = {
            "SIMPLE  =                    T",
            "BITPIX  =                  -32",
            "NAXIS   =                    2",
            String.format("NAXIS1  = %20d", width),
            String.format("NAXIS2  = %20d", height),
            "END"
        };
        for (String card : cards) {
            fits.writeBytes(String.format("%-80s", card).getBytes(StandardCharsets.US_ASCII));
        }
        while (fits.size() % 2880 != 0) {
            fits.write(' ');
        }
        ByteBuffer data = ByteBuffer.allocate(pixels.length * 4);
        for (float pixel : pixels) {
            data.putFloat(pixel);
        }
        fits.writeBytes(data.array());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(fits.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
