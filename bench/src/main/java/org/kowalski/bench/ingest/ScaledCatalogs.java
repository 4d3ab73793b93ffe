package org.kowalski.bench.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import nom.tam.fits.BinaryTable;
import nom.tam.fits.BinaryTableHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;

/**
 * Makes the large catalog files of the ingestion benchmark from the small samples, by repeating their
 * rows. The ingester's default {@code _id} is {@code <file name>:<row>}, so every repeated row is a new
 * document with a new id.
 */
final class ScaledCatalogs {

    private static final int FITS_BLOCK = 2880;
    private static final int CARD = 80;

    private ScaledCatalogs() {}

    /**
     * Writes a FITS file whose binary table repeats the sample's rows until it has at least {@code rows}
     * rows, copying the header with {@code NAXIS2} changed and the row bytes as they are, so every value,
     * null marker and unit stays exact. Tables with a heap (variable-length columns) are rejected.
     *
     * @return the number of rows written
     */
    static long fits(Path sample, Path target, long rows) throws IOException {
        byte[] file = readMaybeGzipped(sample);
        int primaryHeaderEnd = headerEnd(file, 0);
        long primaryDataBytes = dataBytes(file, 0, primaryHeaderEnd);
        int tableStart = (int) (primaryHeaderEnd + padded(primaryDataBytes));
        int tableHeaderEnd = headerEnd(file, tableStart);
        long rowBytes = intCard(file, tableStart, tableHeaderEnd, "NAXIS1");
        long sampleRows = intCard(file, tableStart, tableHeaderEnd, "NAXIS2");
        long heapBytes = intCard(file, tableStart, tableHeaderEnd, "PCOUNT");
        if (heapBytes != 0) {
            throw new IOException(sample + " has a heap of " + heapBytes + " bytes, which repeating rows cannot copy");
        }
        long repeats = (rows + sampleRows - 1) / sampleRows;
        long totalRows = repeats * sampleRows;

        byte[] header = Arrays.copyOfRange(file, tableStart, tableHeaderEnd);
        replaceIntCard(header, "NAXIS2", totalRows);
        int dataStart = tableHeaderEnd;
        int dataLength = (int) (rowBytes * sampleRows);
        try (OutputStream out = Files.newOutputStream(target)) {
            out.write(file, 0, tableStart);
            out.write(header);
            for (long i = 0; i < repeats; i++) {
                out.write(file, dataStart, dataLength);
            }
            long written = rowBytes * totalRows;
            out.write(new byte[(int) (padded(written) - written)]);
        }
        return totalRows;
    }

    /**
     * Writes a CSV file with the sample FITS table's scalar columns, repeating its rows until the file
     * has at least {@code rows} rows. Array columns other than strings are left out.
     *
     * @return the number of rows written
     */
    static long csvFromFits(Path sample, Path target, long rows) throws IOException {
        try (InputStream in = new java.io.ByteArrayInputStream(readMaybeGzipped(sample));
                Fits fits = new Fits(in)) {
            BinaryTableHDU hdu = (BinaryTableHDU) fits.getHDU(1);
            BinaryTable table = hdu.getData();
            int columns = table.getNCols();
            int sampleRows = table.getNRows();
            boolean[] scalar = new boolean[columns];
            StringBuilder header = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                Object value = table.get(0, c);
                scalar[c] = value instanceof Number || value instanceof String || value instanceof Boolean;
                if (scalar[c]) {
                    if (header.length() > 0) {
                        header.append(',');
                    }
                    header.append(hdu.getColumnName(c));
                }
            }
            String[] lines = new String[sampleRows];
            for (int r = 0; r < sampleRows; r++) {
                StringBuilder line = new StringBuilder();
                boolean first = true;
                for (int c = 0; c < columns; c++) {
                    if (!scalar[c]) {
                        continue;
                    }
                    if (!first) {
                        line.append(',');
                    }
                    first = false;
                    line.append(csvValue(table.get(r, c)));
                }
                lines[r] = line.toString();
            }
            long repeats = (rows + sampleRows - 1) / sampleRows;
            try (Writer out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
                out.write(header.toString());
                out.write('\n');
                for (long i = 0; i < repeats; i++) {
                    for (String line : lines) {
                        out.write(line);
                        out.write('\n');
                    }
                }
            }
            return repeats * sampleRows;
        } catch (FitsException e) {
            throw new IOException("reading the FITS table of " + sample + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Copies a file into {@code folder} under {@code copies} different names, so that the folder contains
     * {@code copies} times its rows with new ids.
     */
    static void copies(Path sample, Path folder, int copies) throws IOException {
        Files.createDirectories(folder);
        String name = sample.getFileName().toString();
        for (int i = 0; i < copies; i++) {
            Files.copy(sample, folder.resolve(String.format(Locale.ROOT, "copy%04d_%s", i, name)));
        }
    }

    private static String csvValue(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d && d.isNaN() || value instanceof Float f && f.isNaN()) {
            return "NaN";
        }
        String text = value.toString().strip();
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }

    private static byte[] readMaybeGzipped(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 4);
                in.transferTo(out);
                return out.toByteArray();
            }
        }
        return bytes;
    }

    /** Returns the offset just past the header that starts at {@code start} (after its END card's block). */
    private static int headerEnd(byte[] file, int start) throws IOException {
        for (int card = start; card + CARD <= file.length; card += CARD) {
            if (new String(file, card, 8, StandardCharsets.US_ASCII).equals("END     ")) {
                return (int) (start + padded(card + CARD - start));
            }
        }
        throw new IOException("no END card in the FITS header at byte " + start);
    }

    /** Returns the data size in bytes of the HDU whose header spans [start, end). */
    private static long dataBytes(byte[] file, int start, int end) throws IOException {
        long naxis = intCard(file, start, end, "NAXIS");
        if (naxis == 0) {
            return 0;
        }
        long bytes = Math.abs(intCard(file, start, end, "BITPIX")) / 8;
        for (int i = 1; i <= naxis; i++) {
            bytes *= intCard(file, start, end, "NAXIS" + i);
        }
        return bytes + intCardOrZero(file, start, end, "PCOUNT");
    }

    private static long intCard(byte[] file, int start, int end, String key) throws IOException {
        Long value = findIntCard(file, start, end, key);
        if (value == null) {
            throw new IOException("FITS header card " + key + " is missing");
        }
        return value;
    }

    private static long intCardOrZero(byte[] file, int start, int end, String key) {
        Long value = findIntCard(file, start, end, key);
        return value == null ? 0 : value;
    }

    private static Long findIntCard(byte[] file, int start, int end, String key) {
        String padded = String.format(Locale.ROOT, "%-8s", key);
        for (int card = start; card + CARD <= end; card += CARD) {
            if (new String(file, card, 8, StandardCharsets.US_ASCII).equals(padded) && file[card + 8] == '=') {
                String value = new String(file, card + 10, 70, StandardCharsets.US_ASCII);
                int slash = value.indexOf('/');
                return Long.parseLong((slash >= 0 ? value.substring(0, slash) : value).trim());
            }
        }
        return null;
    }

    private static void replaceIntCard(byte[] header, String key, long value) throws IOException {
        String padded = String.format(Locale.ROOT, "%-8s", key);
        for (int card = 0; card + CARD <= header.length; card += CARD) {
            if (new String(header, card, 8, StandardCharsets.US_ASCII).equals(padded)) {
                String text = String.format(Locale.ROOT, "%-8s= %20d", key, value);
                byte[] replacement = String.format(Locale.ROOT, "%-80s", text).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(replacement, 0, header, card, CARD);
                return;
            }
        }
        throw new IOException("FITS header card " + key + " is missing");
    }

    private static long padded(long bytes) {
        return (bytes + FITS_BLOCK - 1) / FITS_BLOCK * FITS_BLOCK;
    }
}
