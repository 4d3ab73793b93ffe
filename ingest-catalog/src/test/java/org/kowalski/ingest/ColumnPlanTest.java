package org.kowalski.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnPlanTest {

    private static IngestSettings settings(String raColumn, String decColumn, String idColumn) {
        return new IngestSettings(
                "T", Path.of("x.csv"), null, raColumn, decColumn, idColumn, 1, 10, null, false, false, false, null);
    }

    @Test
    void positionColumnsDetectedByName() {
        ColumnPlan plan = ColumnPlan.resolve(List.of("id", "OBJRA", "ra", "Dec"), settings(null, null, null), "x.csv");

        assertThat(plan.raColumn()).isEqualTo("OBJRA");
        assertThat(plan.decColumn()).isEqualTo("Dec");
        assertThat(plan.idColumn()).isNull();
    }

    @Test
    void undetectedNamesNeedOption() {
        assertThatThrownBy(() -> ColumnPlan.resolve(List.of("RAJ2000", "DEJ2000"), settings(null, null, null), "x.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No RA column found in x.csv")
                .hasMessageContaining("RAJ2000, DEJ2000")
                .hasMessageContaining("--ra_col=<column>");
        ColumnPlan plan =
                ColumnPlan.resolve(List.of("RAJ2000", "DEJ2000"), settings("RAJ2000", "DEJ2000", null), "x.csv");
        assertThat(plan.raColumn()).isEqualTo("RAJ2000");
    }

    @Test
    void missingIdColumnRejected() {
        assertThatThrownBy(() -> ColumnPlan.resolve(List.of("ra", "dec"), settings(null, null, "source_id"), "x.csv"))
                .hasMessageContaining("Provided ID column source_id not found in x.csv");
    }

    @Test
    void reservedAndDottedNamesRenamed() {
        ColumnPlan plan = ColumnPlan.resolve(
                List.of("ra", "dec", "_id", "coordinates", "flux.err", "$weird", "flux_err", "id"),
                settings(null, null, "id"),
                "x.csv");

        assertThat(plan.fieldNames())
                .containsEntry("_id", "_id_catalog")
                .containsEntry("coordinates", "coordinates_catalog")
                .containsEntry("flux.err", "flux_err_2")
                .containsEntry("$weird", "weird")
                .containsEntry("flux_err", "flux_err")
                .doesNotContainKey("id");
        assertThat(plan.renamedColumns()).contains("flux.err -> flux_err_2");
    }
}
