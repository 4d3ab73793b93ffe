package org.kowalski.ingest.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import nom.tam.fits.BinaryTable;
import nom.tam.fits.BinaryTableHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.Header;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitsCatalogReaderTest {

    @TempDir
    Path tempDir;

    /**
     * Writes a table whose integer columns use the FITS unsigned conventions (TZEROn of 2^15, 2^31 and
     * 2^63, and FITS bytes, which are unsigned) and a TNULLn sentinel, with the raw stored values.
     */
    private Path writeTable() throws Exception {
        short[] unsigned16 = {(short) (0 - 32_768), (short) (40_000 - 32_768), (short) (65_535 - 32_768)};
        int[] unsigned32 = {(int) (0L - 2_147_483_648L), (int) (4_000_000_000L - 2_147_483_648L), 0};
        long[] unsigned64 = {Long.MIN_VALUE + 5, Long.MAX_VALUE, 0};
        byte[] bytes = {(byte) 200, 0, (byte) 255};
        short[] withNull = {1, -99, 3};
        double[] ra = {10.5, 20.5, 30.5};
        float[] mag = {15.25f, Float.NaN, 17.5f};
        String[] names = {"alpha   ", "b", "   "};
        BinaryTable table = BinaryTable.fromColumnMajor(
                new Object[] {unsigned16, unsigned32, unsigned64, bytes, withNull, ra, mag, names});
        BinaryTableHDU hdu = table.toHDU();
        String[] columnNames = {"u16", "u32", "u64", "b", "masked", "ra", "mag", "name"};
        for (int i = 0; i < columnNames.length; i++) {
            hdu.setColumnName(i, columnNames[i], null);
        }
        Header header = hdu.getHeader();
        header.addValue("TZERO1", 32_768, "unsigned 16-bit");
        header.addValue("TZERO2", 2_147_483_648L, "unsigned 32-bit");
        header.addValue("TZERO3", new BigInteger("9223372036854775808"), "unsigned 64-bit");
        header.addValue("TNULL5", -99, "undefined value");
        Path file = tempDir.resolve("unsigned.fits");
        try (Fits fits = new Fits()) {
            fits.addHDU(nom.tam.fits.Fits.makeHDU(new nom.tam.fits.ImageData()));
            fits.addHDU(hdu);
            fits.write(file.toFile());
        }
        return file;
    }

    private static List<Map<String, Object>> readAll(Path file) throws Exception {
        return readAll(FitsCatalogReader.open(file, null));
    }

    private static List<Map<String, Object>> readAll(FitsCatalogReader opened) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (FitsCatalogReader reader = opened) {
            for (CatalogRow row = reader.next(); row != null; row = reader.next()) {
                rows.add(row.values());
            }
        }
        return rows;
    }

    @Test
    void unsignedColumnsWidenedExactly() throws Exception {
        List<Map<String, Object>> rows = readAll(writeTable());

        assertThat(rows).extracting(row -> row.get("u16")).containsExactly(0, 40_000, 65_535);
        assertThat(rows).extracting(row -> row.get("u32")).containsExactly(0L, 4_000_000_000L, 2_147_483_648L);
        assertThat(rows.get(0).get("u64")).isEqualTo(5L);
        assertThat(rows.get(1).get("u64")).isEqualTo(new Decimal128(new BigDecimal("18446744073709551615")));
        assertThat(rows.get(2).get("u64")).isEqualTo(new Decimal128(new BigDecimal("9223372036854775808")));
        assertThat(rows).extracting(row -> row.get("b")).containsExactly(200, 0, 255);
    }

    @Test
    void nullSentinelAndNanGiveNull() throws Exception {
        List<Map<String, Object>> rows = readAll(writeTable());

        assertThat(rows).extracting(row -> row.get("masked")).containsExactly(1, null, 3);
        assertThat((Double) rows.get(1).get("mag")).isNaN();
        assertThat(rows.get(0).get("mag")).isEqualTo(15.25);
    }

    @Test
    void stringsRightStripped() throws Exception {
        List<Map<String, Object>> rows = readAll(writeTable());

        assertThat(rows).extracting(row -> row.get("name")).containsExactly("alpha", "b", "");
        assertThat(rows).extracting(row -> row.get("ra")).containsExactly(10.5, 20.5, 30.5);
    }

    @Test
    void tableOnDiskReadsAsInMemory() throws Exception {
        Path file = writeTable();

        List<Map<String, Object>> fromDisk = readAll(FitsCatalogReader.open(file, null, 0));

        assertThat(fromDisk).hasSize(3);
        assertThat(fromDisk).isEqualTo(readAll(file));
        assertThat(fromDisk.get(1).get("u32")).isEqualTo(4_000_000_000L);
        assertThat(fromDisk.get(0).get("name")).isEqualTo("alpha");
    }
}
