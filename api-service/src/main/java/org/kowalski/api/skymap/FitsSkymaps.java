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
 * the first column) in {@code NESTED} or {@code RING} ordering.
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
        try (InputStream input = open(bytes);
                Fits fits = new Fits(input)) {
            for (BasicHDU<?> hdu = fits.readHDU(); hdu != null; hdu = fits.readHDU()) {
                if (hdu instanceof BinaryTableHDU table) {
                    return fromTable(name, table);
                }
            }
        } catch (IOException | FitsException e) {
            throw new IllegalArgumentException(
                    "Invalid skymap.content: the FITS file cannot be read (" + e.getMessage() + ")");
        }
        throw new IllegalArgumentException(
                "Invalid skymap.content: the FITS file has no binary table with a HEALPix map");
    }

    private static InputStream open(byte[] bytes) throws IOException {
        boolean gzipped = bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        InputStream input = new ByteArrayInputStream(bytes);
        return gzipped ? new GZIPInputStream(input) : input;
    }

    private static Localization fromTable(String name, BinaryTableHDU hdu) throws FitsException {
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

        String scheme = header.getStringValue("INDXSCHM");
        if (scheme != null && scheme.trim().equalsIgnoreCase("EXPLICIT")) {
            // TODO: partial-sky maps with an explicit PIXEL column are not read yet.
            throw new IllegalArgumentException("Invalid skymap.content: explicit-index (partial-sky) HEALPix maps"
                    + " are not supported; send a multi-order map (UNIQ, PROBDENSITY) or a full-sky map");
        }
        int probColumn = Math.max(0, hdu.findColumn("PROB"));
        long nside = header.getLongValue("NSIDE", 0);
        String ordering = header.getStringValue("ORDERING");
        boolean nested =
                ordering != null && ordering.trim().toUpperCase(Locale.ROOT).startsWith("NEST");
        boolean ring =
                ordering != null && ordering.trim().toUpperCase(Locale.ROOT).startsWith("RING");
        if (nside <= 0 || Long.bitCount(nside) != 1 || (!nested && !ring)) {
            throw new IllegalArgumentException("Invalid skymap.content: the HEALPix header needs NSIDE (a power of 2)"
                    + " and ORDERING NESTED or RING, but has NSIDE=" + nside + " and ORDERING=" + ordering);
        }
        int order = Long.numberOfTrailingZeros(nside);

        // Values may be stored in rows of several elements (1024 per row in older files).
        double[] values = flatten(table, probColumn);
        if (values.length != 12 * nside * nside) {
            throw new IllegalArgumentException("Invalid skymap.content: NSIDE " + nside + " needs " + 12 * nside * nside
                    + " pixels but the table has " + values.length);
        }
        long[] uniq = new long[values.length];
        double[] density = new double[values.length];
        double pixelArea = Healpix.pixelAreaSr(order);
        for (int i = 0; i < values.length; i++) {
            long nestIndex = i;
            if (ring) {
                double[] centre = Healpix.ringToAng(order, i);
                nestIndex = Healpix.angToNest(order, centre[0], centre[1]);
            }
            uniq[i] = Healpix.uniq(order, nestIndex);
            density[i] = Double.isNaN(values[i]) ? 0 : Math.max(0, values[i]) / pixelArea;
        }
        return new MultiOrderMap(name, uniq, density);
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
