package org.kowalski.common.sky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The query documents that the MongoDB implementation sends, compared as Extended JSON. */
class NativeSkyQueryTest {

    private static final Document FILTER = Document.parse("{\"candidate.programid\": 1, \"mag\": {\"$lt\": 18}}");

    @Test
    void coneQueryPutsPositionFirst() {
        Document query =
                NativeSkyQuery.coneQuery(71.6577756, -10.2263957, 1e-5, SkyQueryOptions.DEFAULTS.withFilter(FILTER));

        assertThat(query.toJson())
                .isEqualTo("{\"coordinates.radec_geojson\": {\"$geoWithin\": {\"$centerSphere\":"
                        + " [[-108.3422244, -10.2263957], 1.0E-5]}},"
                        + " \"candidate.programid\": 1, \"mag\": {\"$lt\": 18}}");
        assertThat(List.copyOf(query.keySet()))
                .containsExactly("coordinates.radec_geojson", "candidate.programid", "mag");
    }

    @Test
    void coneQueryWithFilterFirstPutsPositionLast() {
        Document query = NativeSkyQuery.coneQuery(
                0, 90, 0, SkyQueryOptions.DEFAULTS.withFilter(FILTER).withFilterFirst(true));

        assertThat(List.copyOf(query.keySet()))
                .containsExactly("candidate.programid", "mag", "coordinates.radec_geojson");
        assertThat(query.get("coordinates.radec_geojson", Document.class).toJson())
                .isEqualTo("{\"$geoWithin\": {\"$centerSphere\": [[-180.0, 90.0], 0.0]}}");
    }

    @Test
    void filterPositionalClauseReplacesCone() {
        Document own = new Document("$exists", true);
        Document filter = new Document("mag", 12).append("coordinates.radec_geojson", own);

        Document positionFirst = NativeSkyQuery.coneQuery(10, 10, 0.1, SkyQueryOptions.DEFAULTS.withFilter(filter));
        assertThat(List.copyOf(positionFirst.keySet())).containsExactly("coordinates.radec_geojson", "mag");
        assertThat(positionFirst.get("coordinates.radec_geojson")).isEqualTo(own);

        // With filter_first the positional clause wins the clash, keeping the filter's key order.
        Document filterFirst = NativeSkyQuery.coneQuery(
                10, 10, 0.1, SkyQueryOptions.DEFAULTS.withFilter(filter).withFilterFirst(true));
        assertThat(List.copyOf(filterFirst.keySet())).containsExactly("mag", "coordinates.radec_geojson");
        assertThat(filterFirst.get("coordinates.radec_geojson")).isEqualTo(GeoClauses.centerSphere(10, 10, 0.1));
    }

    @Test
    void nearQueryUsesLegacyPairInRadians() {
        Document query = NativeSkyQuery.nearQuery(359.5, -45.25, 0.0, 0.0002908882086657216, SkyQueryOptions.DEFAULTS);

        assertThat(query.toJson())
                .isEqualTo("{\"coordinates.radec_geojson\": {\"$nearSphere\": [179.5, -45.25],"
                        + " \"$minDistance\": 0.0, \"$maxDistance\": 2.908882086657216E-4}}");
    }

    @Test
    void queryDocumentRejectsBadInput() {
        assertThatThrownBy(() -> NativeSkyQuery.coneQuery(10, -91, 0.1, SkyQueryOptions.DEFAULTS))
                .isInstanceOf(InvalidSkyQueryException.class)
                .hasMessageContaining("Declination -91.0 is out of range");
        assertThatThrownBy(() -> NativeSkyQuery.nearQuery(10, 0, 0, -0.5, SkyQueryOptions.DEFAULTS))
                .isInstanceOf(InvalidSkyQueryException.class)
                .hasMessageContaining("maximum distance is -0.5 rad");
    }

    @Test
    void forConfigChoosesImplementation() {
        assertThat(SkyQuery.forStore(true)).isInstanceOf(EmbeddedSkyQuery.class);
        assertThat(SkyQuery.forStore(false)).isInstanceOf(NativeSkyQuery.class);
    }
}
