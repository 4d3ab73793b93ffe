package org.kowalski.api.skymap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import nom.tam.fits.BasicHDU;
import nom.tam.fits.BinaryTable;
import nom.tam.fits.BinaryTableHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;

/**
 * Reads HEALPix skymaps from FITS files: multi-order maps with {@code UNIQ} and {@code PROBDENSITY}
 * columns, as LIGO/Virgo/KAGRA publish them, and single-order maps with a {@code PROB} column (or
 * the first column) in {@code NESTED} or {@code RING} ordering, over the whole sky or, with a
 * {@code PIXEL} column of explicit indices, over part of it.
 */
final class FitsSkymaps {

    private FitsSkymaps() {}

    /**
     * Reads a skymap sent as base64 text, optionally gzipped and optionally as a data URL
     * ({@code data:...;base64,<data>}).
     *
     * @throws IllegalArgumentException when the content is not a HEALPix FITS table
     */
    static Localization read(String name, Object content) {
        if (!(content instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException("Invalid skymap.content: send the FITS file as base64 text");
        }
        int comma = text.indexOf(";base64,");
        String base64 = comma >= 0 ? text.substring(comma + ";base64,".length()) : text;
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Invalid skymap.content: it is not base64 text (" + e.getMessage() + ")");
        }
        return read(name, bytes, "skymap.content");
    }

    /**
     * Reads a skymap from the bytes of a FITS file, optionally gzipped.
     *
     * @param source what the bytes are, for error messages, such as {@code skymap.content} or a URL
     * @throws IllegalArgumentException when the bytes are not a HEALPix FITS table
     */
    static Localization read(String name, byte[] bytes, String source) {
        try (InputStream input = open(bytes);
                Fits fits = new Fits(input)) {
            for (BasicHDU<?> hdu = fits.readHDU(); hdu != null; hdu = fits.readHDU()) {
                if (hdu instanceof BinaryTableHDU table) {
                    return fromTable(name, table, source);
                }
            }
        } catch (IOException | FitsException e) {
            throw new IllegalArgumentException(
                    "Invalid " + source + ": the FITS file cannot be read (" + e.getMessage() + ")");
        }
        throw new IllegalArgumentException(
                "Invalid " + source + ": the FITS file has no binary table with a HEALPix map");
    }

    private static InputStream open(byte[] bytes) throws IOException {
        boolean gzipped = bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        InputStream input = new ByteArrayInputStream(bytes);
        return gzipped ? new GZIPInputStream(input) : input;
    }

    private static Localization fromTable(String name, BinaryTableHDU hdu, String source) throws FitsException {
        Header header = hdu.getHeader();
        BinaryTable table = hdu.getData();
        int rows = table.getNRows();
        int uniqColumn = hdu.findColumn("UNIQ");
        int densityColumn = hdu.findColumn("PROBDENSITY");
        if (uniqColumn >= 0 && densityColumn >= 0) {
            long[] uniq = new long[rows];
            double[] density = new double[rows];
            for (int row = 0; row < rows; row++) {
                uniq[row] = table.getNumber(row, uniqColumn).longValue();
                density[row] = table.getNumber(row, densityColumn).doubleValue();
            }
            return new MultiOrderMap(name, uniq, density);
        }

        HealpixLayout layout = HealpixLayout.of(header, source);
        String scheme = header.getStringValue("INDXSCHM");
        if (scheme != null && scheme.trim().equalsIgnoreCase("EXPLICIT")) {
            return partialSky(name, hdu, layout, source);
        }
        int probColumn = Math.max(0, hdu.findColumn("PROB"));
        long nside = layout.nside();
        int order = layout.order();

        // Values may be stored in rows of several elements (1024 per row in older files).
        double[] values = flatten(table, probColumn);
        if (values.length != 12 * nside * nside) {
            throw new IllegalArgumentException("Invalid " + source + ": NSIDE " + nside + " needs " + 12 * nside * nside
                    + " pixels but the table has " + values.length);
        }
        long[] uniq = new long[values.length];
        double[] density = new double[values.length];
        double pixelArea = Healpix.pixelAreaSr(order);
        for (int i = 0; i < values.length; i++) {
            uniq[i] = layout.uniq(i);
            density[i] = Double.isNaN(values[i]) ? 0 : Math.max(0, values[i]) / pixelArea;
        }
        return new MultiOrderMap(name, uniq, density);
    }

    /**
     * Reads a partial-sky map ({@code INDXSCHM = EXPLICIT}): a {@code PIXEL} column of pixel indices and
     * the probability of each in the {@code PROB} column, or else the first other column. Pixels the
     * table leaves out have probability 0.
     */
    private static Localization partialSky(String name, BinaryTableHDU hdu, HealpixLayout layout, String source)
            throws FitsException {
        int pixelColumn = hdu.findColumn("PIXEL");
        if (pixelColumn < 0) {
            throw new IllegalArgumentException("Invalid " + source + ": a partial-sky HEALPix map"
                    + " (INDXSCHM = EXPLICIT) needs a PIXEL column with the index of each pixel");
        }
        int probColumn = hdu.findColumn("PROB");
        if (probColumn < 0) {
            probColumn = pixelColumn == 0 ? 1 : 0;
        }
        BinaryTable table = hdu.getData();
        long[] pixels = flattenIndices(table, pixelColumn);
        double[] values = flatten(table, probColumn);
        if (pixels.length != values.length) {
            throw new IllegalArgumentException("Invalid " + source + ": the partial-sky map has " + pixels.length
                    + " pixel indices but " + values.length + " probabilities; send one probability per pixel");
        }
        long[] uniq = new long[pixels.length];
        double[] density = new double[pixels.length];
        double pixelArea = Healpix.pixelAreaSr(layout.order());
        for (int i = 0; i < pixels.length; i++) {
            long pixel = pixels[i];
            if (pixel < 0 || pixel >= layout.pixelCount()) {
                throw new IllegalArgumentException("Invalid " + source + ": pixel index " + pixels[i] + " in row "
                        + (i + 1) + " is not a HEALPix index for NSIDE " + layout.nside() + " (0 to "
                        + (layout.pixelCount() - 1) + ")");
            }
            uniq[i] = layout.uniq(pixel);
            density[i] = Double.isNaN(values[i]) ? 0 : Math.max(0, values[i]) / pixelArea;
        }
        return new MultiOrderMap(name, uniq, density);
    }

    /** The resolution and pixel ordering of a single-order HEALPix map, from its FITS header. */
    private record HealpixLayout(long nside, int order, boolean ring) {

        static HealpixLayout of(Header header, String source) {
            long nside = header.getLongValue("NSIDE", 0);
            String ordering = header.getStringValue("ORDERING");
            String upper = ordering == null ? "" : ordering.trim().toUpperCase(Locale.ROOT);
            boolean nested = upper.startsWith("NEST");
            boolean ring = upper.startsWith("RING");
            if (nside <= 0 || Long.bitCount(nside) != 1 || (!nested && !ring)) {
                throw new IllegalArgumentException("Invalid " + source + ": the HEALPix header needs NSIDE (a power"
                        + " of 2) and ORDERING NESTED or RING, but has NSIDE=" + nside + " and ORDERING=" + ordering);
            }
            return new HealpixLayout(nside, Long.numberOfTrailingZeros(nside), ring);
        }

        long pixelCount() {
            return 12 * nside * nside;
        }

        /** Returns the NUNIQ id of a pixel index in this ordering. */
        long uniq(long pixel) {
            long nestIndex = pixel;
            if (ring) {
                double[] centre = Healpix.ringToAng(order, pixel);
                nestIndex = Healpix.angToNest(order, centre[0], centre[1]);
            }
            return Healpix.uniq(order, nestIndex);
        }
    }

    private static long[] flattenIndices(BinaryTable table, int column) throws FitsException {
        int rows = table.getNRows();
        int perRow = table.getDescriptor(column).getElementCount();
        long[] values = new long[rows * perRow];
        for (int row = 0; row < rows; row++) {
            Object cell = table.getElement(row, column);
            for (int k = 0; k < perRow; k++) {
                values[row * perRow + k] = java.lang.reflect.Array.getLong(cell, k);
            }
        }
        return values;
    }

    private static double[] flatten(BinaryTable table, int column) throws FitsException {
        int rows = table.getNRows();
        int perRow = table.getDescriptor(column).getElementCount();
        double[] values = new double[rows * perRow];
        for (int row = 0; row < rows; row++) {
            Object cell = table.getElement(row, column);
            for (int k = 0; k < perRow; k++) {
                values[row * perRow + k] = java.lang.reflect.Array.getDouble(cell, k);
            }
        }
        return values;
    }
}
