package org.kowalski.api.cutout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.util.Cursor;
import nom.tam.util.FitsOutputStream;
import org.kowalski.common.cutout.CutoutDecoder;
import org.kowalski.common.cutout.CutoutImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a turned cutout as a single-HDU FITS file that keeps the original primary header's cards (WCS,
 * exposure, zero point, ...), except those that describe the data layout, which follow the new image.
 */
final class CutoutFits {

    private static final Logger log = LoggerFactory.getLogger(CutoutFits.class);

    /** Cards that describe the data layout or scaling; the new image sets its own. */
    private static final Set<String> LAYOUT_KEYS =
            Set.of("SIMPLE", "BITPIX", "NAXIS", "EXTEND", "END", "BSCALE", "BZERO", "BLANK", "PCOUNT", "GCOUNT");

    private CutoutFits() {}

    /**
     * Returns the FITS bytes of an image, with the header cards of the original file.
     *
     * @param image the turned image, row 0 written first
     * @param original the cutout as stored in the alert, gzipped or plain FITS
     */
    static byte[] write(CutoutImage image, byte[] original) throws IOException, FitsException {
        BasicHDU<?> hdu = Fits.makeHDU(image.bitpix() == -32 ? floatRows(image) : doubleRows(image));
        Header header = hdu.getHeader();
        Header source = originalHeader(original);
        if (source != null) {
            Cursor<String, HeaderCard> cards = source.iterator();
            while (cards.hasNext()) {
                HeaderCard card = cards.next();
                String key = card.getKey();
                if (key == null || LAYOUT_KEYS.contains(key) || key.startsWith("NAXIS")) {
                    continue;
                }
                header.addLine(card.copy());
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Fits fits = new Fits();
                FitsOutputStream out = new FitsOutputStream(bytes)) {
            fits.addHDU(hdu);
            fits.write(out);
        }
        return bytes.toByteArray();
    }

    /** Returns the primary header of the original file, or null when a FITS library cannot read it. */
    private static Header originalHeader(byte[] original) {
        try (InputStream input = CutoutDecoder.isGzip(original)
                        ? new GZIPInputStream(new ByteArrayInputStream(original))
                        : new ByteArrayInputStream(original);
                Fits fits = new Fits(input)) {
            BasicHDU<?> hdu = fits.readHDU();
            return hdu == null ? null : hdu.getHeader();
        } catch (IOException | RuntimeException e) {
            log.warn("Cutout header cannot be read, so the FITS reply has no original cards: {}", e.getMessage());
            return null;
        }
    }

    private static float[][] floatRows(CutoutImage image) {
        float[][] rows = new float[image.height()][image.width()];
        for (int row = 0; row < image.height(); row++) {
            for (int column = 0; column < image.width(); column++) {
                rows[row][column] = (float) image.pixel(row, column);
            }
        }
        return rows;
    }

    private static double[][] doubleRows(CutoutImage image) {
        double[][] rows = new double[image.height()][image.width()];
        for (int row = 0; row < image.height(); row++) {
            for (int column = 0; column < image.width(); column++) {
                rows[row][column] = image.pixel(row, column);
            }
        }
        return rows;
    }
}
