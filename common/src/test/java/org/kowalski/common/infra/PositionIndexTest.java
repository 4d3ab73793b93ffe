package org.kowalski.common.infra;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.bson.Document;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks which queries the position index serves and which candidates its grid returns. */
class PositionIndexTest {

    private static final String LON = PositionRegion.LONGITUDE_FIELD;
    private static final String LAT = PositionRegion.LATITUDE_FIELD;

    @Test
    void windowWithFilterGivesOneRectangle() {
        Document window = new Document(
                "$and",
                List.of(
                        new Document(LAT, new Document("$gte", 10.0).append("$lte", 11.0)),
                        new Document(LON, new Document("$gte", -5.0).append("$lte", -4.0))));
        Document query = new Document("$and", List.of(new Document("mag", new Document("$lt", 15)), window));

        assertThat(PositionRegion.of(query)).containsExactly(new SkyRectangle(-5, -4, 10, 11));
    }

    @Test
    void windowAcrossRaZeroGivesTwoRectangles() {
        Document longitude = new Document(
                "$or",
                List.of(
                        new Document(LON, new Document("$gte", 179.0)),
                        new Document(LON, new Document("$lte", -179.0))));
        Document query = new Document(
                "$and", List.of(new Document(LAT, new Document("$gte", -1.0).append("$lte", 1.0)), longitude));

        assertThat(PositionRegion.of(query))
                .containsExactly(
                        new SkyRectangle(179, Double.POSITIVE_INFINITY, -1, 1),
                        new SkyRectangle(Double.NEGATIVE_INFINITY, -179, -1, 1));
    }

    @Test
    void unboundedQueriesGoToScan() {
        assertThat(PositionRegion.of(new Document())).isNull();
        assertThat(PositionRegion.of(new Document("mag", 12))).isNull();
        assertThat(PositionRegion.of(new Document(LAT, new Document("$in", List.of(1, 2)))))
                .isNull();
        Document eitherBranch =
                new Document("$or", List.of(new Document(LAT, new Document("$gte", 80)), new Document("mag", 12)));
        assertThat(PositionRegion.of(eitherBranch)).isNull();
    }

    @Test
    void contradictoryBoundsGiveNoRectangle() {
        Document query = new Document(LAT, new Document("$gte", 20).append("$lte", 10));

        assertThat(PositionRegion.of(query)).isEmpty();
    }

    @Test
    void gridReturnsPositionsInsideAndIrregularKeys() {
        PositionGrid grid = new PositionGrid();
        grid.put(1, point(10.0, 20.0));
        grid.put(2, point(10.0001, 20.0001));
        grid.put(3, point(-170.0, 20.0));
        grid.put(4, point(0.0, 90.0));
        grid.put(5, new Document("coordinates", "not a position"));
        grid.put(6, new Document("mag", 12));
        List<SkyRectangle> nearFirst = List.of(new SkyRectangle(9.99, 10.01, 19.99, 20.01));

        assertThat(grid.candidates(nearFirst, 1000)).containsExactlyInAnyOrder(1, 2, 5);
        assertThat(grid.candidates(List.of(new SkyRectangle(-180, 180, 89.9, 90)), 1000))
                .containsExactlyInAnyOrder(4, 5);
        assertThat(grid.regularCount()).isEqualTo(4);
        assertThat(grid.irregularCount()).isEqualTo(1);

        grid.put(2, point(-170.0, 20.0));
        grid.remove(5);
        assertThat(grid.candidates(nearFirst, 1000)).containsExactly(1);
        assertThat(grid.candidates(List.of(new SkyRectangle(-170, -170, 20, 20)), 1000))
                .containsExactlyInAnyOrder(2, 3);
    }

    @Test
    void gridDeclinesWideRegions() {
        PositionGrid grid = new PositionGrid();
        grid.put(1, point(10.0, 20.0));

        assertThat(grid.candidates(List.of(new SkyRectangle(-180, 180, -90, 90)), 1000))
                .isNull();
    }

    private static Document point(double lonDeg, double latDeg) {
        return new Document(
                "coordinates",
                new Document(
                        "radec_geojson", new Document("type", "Point").append("coordinates", List.of(lonDeg, latDeg))));
    }
}
