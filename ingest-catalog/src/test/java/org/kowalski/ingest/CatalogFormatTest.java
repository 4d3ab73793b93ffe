package org.kowalski.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CatalogFormatTest {

    @Test
    void detectedFromExtensionWithGzip() {
        assertThat(CatalogFormat.fromFileName(Path.of("igaps-dr1-215a-small.fits.gz")))
                .contains(CatalogFormat.FITS);
        assertThat(CatalogFormat.fromFileName(Path.of("x.FIT"))).contains(CatalogFormat.FITS);
        assertThat(CatalogFormat.fromFileName(Path.of("dir/x.csv.gz"))).contains(CatalogFormat.CSV);
        assertThat(CatalogFormat.fromFileName(Path.of("x.parquet"))).contains(CatalogFormat.PARQUET);
        assertThat(CatalogFormat.fromFileName(Path.of("x.pq.gzip"))).contains(CatalogFormat.PARQUET);
        assertThat(CatalogFormat.fromFileName(Path.of("notes.txt"))).isEmpty();
        assertThat(CatalogFormat.fromFileName(Path.of("x.gz"))).isEmpty();
    }

    @Test
    void optionValuesParsed() {
        assertThat(CatalogFormat.fromOption("fits")).isEqualTo(CatalogFormat.FITS);
        assertThat(CatalogFormat.fromOption("CSV")).isEqualTo(CatalogFormat.CSV);
        assertThatThrownBy(() -> CatalogFormat.fromOption("votable"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'votable'")
                .hasMessageContaining("fits, csv, parquet");
    }
}
