package org.kowalski.common.cutout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * Decodes the image cutouts carried by alerts (ZTF, PGIR, WINTER, TURBO) into {@link CutoutImage}s.
 *
 * <p>Input is a FITS file, gzipped or plain (detected from the gzip magic bytes), whose primary HDU is a
 * 2-D image. Supported BITPIX values are -32 and -64 (IEEE big-endian float and double) and the integer
 * types 8, 16, 32 and 64, with BSCALE, BZERO and BLANK applied. Extra axes are accepted only when their
 * length is 1. A missing {@code SIMPLE} card is tolerated, as astropy does with
 * {@code ignore_missing_simple=True}, and so is a data unit that is not padded to a whole 2880-byte block.
 *
 * <p>The primary header is read by this class itself, without a FITS library: cutouts are small, decoded
 * once per alert in the broker's hot path, and only the primary image is ever needed.
 */
public final class CutoutDecoder {

    private static final int CARD_BYTES = 80;
    private static final int BLOCK_BYTES = 2880;

    private CutoutDecoder() {}

    /**
     * Decodes gzipped or plain FITS bytes into an image.
     *
     * @throws CutoutDecodingException when the bytes are not gzip or FITS, the header lacks a required
     *     card, the image is not 2-D, or the data unit is shorter than the header says
     */
    public static CutoutImage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new CutoutDecodingException("cutout is empty: expected gzipped or plain FITS bytes");
        }
        byte[] fits = isGzip(bytes) ? gunzip(bytes) : bytes;
        Header header = Header.parse(fits);
        return readImage(fits, header);
    }

    /** Returns whether the bytes start with the gzip magic number 0x1f 0x8b. */
    public static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    private static byte[] gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new CutoutDecodingException(
                    "cutout has a gzip header but failed to decompress: " + e.getMessage(), e);
        }
    }

    private static CutoutImage readImage(byte[] fits, Header header) {
        int bytesPerPixel = Math.abs(header.bitpix) / 8;
        long pixelCount = (long) header.width * header.height;
        long needed = header.dataOffset + pixelCount * bytesPerPixel;
        if (needed > fits.length) {
            throw new CutoutDecodingException("FITS data unit is truncated: a " + header.width + "x" + header.height
                    + " image with BITPIX " + header.bitpix + " needs " + needed + " bytes, the file has "
                    + fits.length);
        }

        ByteBuffer data = ByteBuffer.wrap(fits, header.dataOffset, (int) (pixelCount * bytesPerPixel))
                .slice()
                .order(ByteOrder.BIG_ENDIAN);
        double[] pixels = new double[(int) pixelCount];
        boolean scaled = header.bscale != 1.0 || header.bzero != 0.0;
        for (int i = 0; i < pixels.length; i++) {
            double raw;
            switch (header.bitpix) {
                case -32 -> raw = data.getFloat();
                case -64 -> raw = data.getDouble();
                case 8 -> raw = integerOrNaN(data.get() & 0xff, header);
                case 16 -> raw = integerOrNaN(data.getShort(), header);
                case 32 -> raw = integerOrNaN(data.getInt(), header);
                case 64 -> raw = integerOrNaN(data.getLong(), header);
                default -> throw new IllegalStateException("BITPIX checked by the header parser");
            }
            pixels[i] = scaled ? header.bzero + header.bscale * raw : raw;
        }
        return new CutoutImage(header.width, header.height, header.bitpix, pixels);
    }

    private static double integerOrNaN(long value, Header header) {
        return header.blank != null && value == header.blank ? Double.NaN : value;
    }

    /** The primary-header cards that the decoder needs. */
    private static final class Header {
        int bitpix;
        int naxis = -1;
        int width = -1;
        int height = -1;
        double bscale = 1.0;
        double bzero = 0.0;
        Long blank;
        int dataOffset;
        /** Product of the lengths of axes 3 and higher, which must be 1 for a 2-D image. */
        long extraAxesProduct = 1;

        static Header parse(byte[] fits) {
            Header header = new Header();
            boolean sawBitpix = false;
            int offset = 0;
            while (true) {
                if (offset + CARD_BYTES > fits.length) {
                    throw new CutoutDecodingException(
                            "not a FITS file: no END card in the first " + fits.length + " bytes of the header");
                }
                String card = new String(fits, offset, CARD_BYTES, StandardCharsets.US_ASCII);
                offset += CARD_BYTES;
                String keyword = card.substring(0, 8).trim();
                if (keyword.equals("END")) {
                    break;
                }
                if (!card.startsWith("= ", 8)) {
                    continue;
                }
                String value = valueOf(card);
                switch (keyword) {
                    case "BITPIX" -> {
                        header.bitpix = (int) parseLong(keyword, value);
                        sawBitpix = true;
                    }
                    case "NAXIS" -> header.naxis = (int) parseLong(keyword, value);
                    case "NAXIS1" -> header.width = (int) parseLong(keyword, value);
                    case "NAXIS2" -> header.height = (int) parseLong(keyword, value);
                    case "BSCALE" -> header.bscale = parseDouble(keyword, value);
                    case "BZERO" -> header.bzero = parseDouble(keyword, value);
                    case "BLANK" -> header.blank = parseLong(keyword, value);
                    default -> {
                        if (keyword.startsWith("NAXIS")) {
                            header.extraAxesProduct *= parseLong(keyword, value);
                        }
                    }
                }
            }
            header.dataOffset = (offset + BLOCK_BYTES - 1) / BLOCK_BYTES * BLOCK_BYTES;
            header.check(sawBitpix);
            return header;
        }

        private void check(boolean sawBitpix) {
            if (!sawBitpix) {
                throw new CutoutDecodingException("FITS header has no BITPIX card");
            }
            if (bitpix != -32 && bitpix != -64 && bitpix != 8 && bitpix != 16 && bitpix != 32 && bitpix != 64) {
                throw new CutoutDecodingException(
                        "FITS header has an invalid BITPIX " + bitpix + ": expected -32, -64, 8, 16, 32 or 64");
            }
            if (naxis < 2 || width <= 0 || height <= 0) {
                throw new CutoutDecodingException("FITS primary HDU is not a 2-D image: NAXIS=" + naxis + ", NAXIS1="
                        + width + ", NAXIS2=" + height);
            }
            if (extraAxesProduct != 1) {
                throw new CutoutDecodingException("FITS image has " + naxis + " axes with more than one plane:"
                        + " only 2-D images (extra axes of length 1) are supported");
            }
        }

        /** Returns the value field of a card: a quoted string's content, or the text before a comment. */
        private static String valueOf(String card) {
            String field = card.substring(10);
            String trimmed = field.trim();
            if (trimmed.startsWith("'")) {
                int end = trimmed.indexOf('\'', 1);
                return end < 0 ? trimmed.substring(1) : trimmed.substring(1, end);
            }
            int slash = field.indexOf('/');
            return (slash < 0 ? field : field.substring(0, slash)).trim();
        }

        private static long parseLong(String keyword, String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                // Some writers store integer-valued cards as reals, such as "1.0".
                double real = parseDouble(keyword, value);
                if (real != Math.rint(real)) {
                    throw new CutoutDecodingException(
                            "FITS card " + keyword + " has a non-integer value '" + value + "'");
                }
                return (long) real;
            }
        }

        private static double parseDouble(String keyword, String value) {
            try {
                return Double.parseDouble(value.replace('D', 'E').replace('d', 'e'));
            } catch (NumberFormatException e) {
                throw new CutoutDecodingException("FITS card " + keyword + " has an invalid number '" + value + "'", e);
            }
        }
    }
}
