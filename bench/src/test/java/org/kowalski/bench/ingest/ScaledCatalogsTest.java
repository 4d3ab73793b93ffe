package org.kowalski.bench.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import nom.tam.fits.BinaryTable;
import nom.tam.fits.BinaryTableHDU;
import nom.tam.fits.Fits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kowalski.common.testing.SharedData;

class ScaledCatalogsTest {

    @TempDir
    Path dir;

    @Test
    void fitsRepeatsEveryRow() throws Exception {
        Path sample = SharedData.require(IngestBench.FITS_SAMPLE);
        Path target = dir.resolve("scaled.fits");

        long rows = ScaledCatalogs.fits(sample, target, 250);

        assertThat(rows).isEqualTo(300);
        try (Fits original = new Fits(sample.toFile());
                Fits scaled = new Fits(target.toFile())) {
            BinaryTable before = ((BinaryTableHDU) original.getHDU(1)).getData();
            BinaryTable after = ((BinaryTableHDU) scaled.getHDU(1)).getData();
            assertThat(after.getNRows()).isEqualTo(300);
            assertThat(after.getNCols()).isEqualTo(before.getNCols());
            for (int row : List.of(0, 57, 99)) {
                for (int copy = 0; copy < 3; copy++) {
                    for (int column = 0; column < before.getNCols(); column += 17) {
                        assertThat(after.get(copy * 100 + row, column))
                                .as("row %d of copy %d, column %d", row, copy, column)
                                .isEqualTo(before.get(row, column));
                    }
                }
            }
        }
    }

    @Test
    void csvHasHeaderAndRepeatedRows() throws Exception {
        Path sample = SharedData.require(IngestBench.FITS_SAMPLE);
        Path target = dir.resolve("scaled.csv");

        long rows = ScaledCatalogs.csvFromFits(sample, target, 150);

        List<String> lines = Files.readAllLines(target);
        assertThat(rows).isEqualTo(200);
        assertThat(lines).hasSize(201);
        assertThat(lines.get(0)).contains(",");
        assertThat(lines.get(1)).isEqualTo(lines.get(101));
        assertThat(lines.get(1).split(",", -1)).hasSameSizeAs(lines.get(0).split(",", -1));
    }
}
