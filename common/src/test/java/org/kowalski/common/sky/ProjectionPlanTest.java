package org.kowalski.common.sky;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class ProjectionPlanTest {

    @Test
    void idOnlyProjectionIsInclusion() {
        ProjectionPlan plan = ProjectionPlan.of(new Document("_id", 1));
        assertThat(plan.serverProjection()).containsEntry(ProjectionPlan.POSITION_PATH, 1);

        Document stored = new Document("_id", 7)
                .append("coordinates", new Document("radec_geojson", new Document("coordinates", List.of(1.0, 2.0))));
        assertThat(plan.strip(stored)).isEqualTo(new Document("_id", 7));
    }

    @Test
    void idExclusionStaysExclusion() {
        ProjectionPlan plan = ProjectionPlan.of(new Document("_id", 0));
        assertThat(plan.serverProjection()).isEqualTo(new Document("_id", 0));
    }
}
