package org.kowalski.common.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.Test;
import org.kowalski.common.kafka.AlertStreamer;
import org.kowalski.common.testing.AlertFixtures;
import org.kowalski.common.testing.GalacticReference;
import org.kowalski.common.testing.SharedData;

class AlertMongifierTest {

    static MongifiedAlert mongify(String relativePath) {
        return AlertMongifier.mongify(AvroDocuments.toDocument(AlertFixtures.record(relativePath)), "objectId");
    }

    @Test
    void splitsHistoryOfSchema33Alert() {
        MongifiedAlert alert = mongify("data/ztf_alerts/20200202/1127561445515015011.avro");

        assertThat(alert.candid()).isEqualTo(1127561445515015011L);
        assertThat(alert.alert().get("candid")).isEqualTo(1127561445515015011L);
        assertThat(alert.objectId()).isEqualTo("ZTF20aajcbhr");
        assertThat(alert.prvCandidates()).hasSize(31);
        assertThat(alert.fpHists()).isEmpty();
        assertThat(alert.alert()).doesNotContainKeys("prv_candidates", "fp_hists");
        assertThat(alert.alert().get("classifications")).isEqualTo(new Document());
    }

    @Test
    void splitsForcedPhotometryOfSchema4Alert() {
        MongifiedAlert alert = mongify("data/ztf_alerts/20231012/2475433850015010009.avro");

        assertThat(alert.objectId()).isEqualTo("ZTF17aadcvhq");
        assertThat(alert.prvCandidates()).hasSize(20);
        assertThat(alert.fpHists()).hasSize(21);
        assertThat(jds(alert.fpHists())).isSorted().doesNotHaveDuplicates();

        // The first point failed (-99999 flux), so cleaning drops its flux.
        assertThat(alert.fpHists().get(0).get("forcediffimflux")).isEqualTo(-99999.0);
        List<Document> cleaned = ForcedPhotometry.clean(alert.fpHists());
        assertThat(cleaned).hasSize(21);
        assertThat(cleaned.get(0)).doesNotContainKey("forcediffimflux");
        for (Document point : cleaned) {
            assertThat(point.values()).doesNotContainNull().doesNotContain(-99999.0, -99999, -99999L);
        }
    }

    @Test
    void keepsCutoutsAndLongIds() {
        MongifiedAlert alert = mongify("data/ztf_alerts/20231012/2475433850015010009.avro");
        Document cutout = alert.alert().get("cutoutScience", Document.class);

        assertThat(cutout.getString("fileName")).endsWith(".fits.gz");
        assertThat(cutout.get("stampData")).isInstanceOf(Binary.class);
        assertThat(((Binary) cutout.get("stampData")).getData()).startsWith((byte) 0x1f, (byte) 0x8b);
        assertThat(alert.candidate().get("candid")).isEqualTo(2475433850015010009L);
        assertThat(alert.candidate().get("pid")).isInstanceOf(Long.class);
    }

    @Test
    void computesCoordinatesOfFixture() {
        Document coordinates = mongify("data/ztf_alerts/20231012/2475433850015010009.avro")
                .alert()
                .get("coordinates", Document.class);

        assertThat(coordinates.getList("radec_str", String.class)).containsExactly("03:07:59.3699", "09:22:04.565");
        Document geoJson = coordinates.get("radec_geojson", Document.class);
        assertThat(geoJson.getString("type")).isEqualTo("Point");
        List<Double> lonLat = geoJson.getList("coordinates", Double.class);
        assertThat(lonLat.get(0)).isCloseTo(-133.0026253, within(1e-7));
        assertThat(lonLat.get(1)).isCloseTo(9.3679347, within(1e-7));
        assertThat(coordinates.getDouble("l")).isCloseTo(169.8815589, within(1e-7));
        assertThat(coordinates.getDouble("b")).isCloseTo(-40.7369562, within(1e-7));
        Document ecliptic = coordinates.get("geocentricmeanecliptic", Document.class);
        assertThat(ecliptic.getDouble("lambda")).isCloseTo(47.2027416, within(1e-7));
        assertThat(ecliptic.getDouble("beta")).isCloseTo(-7.9137159, within(1e-7));
    }

    @Test
    void geoJsonAndGalacticAgreeForEverySample() throws Exception {
        for (String folder : List.of("data/ztf_alerts/20200202", "data/ztf_alerts/20231012")) {
            for (Path file : AlertStreamer.listAlertFiles(SharedData.require(folder))) {
                MongifiedAlert alert = AlertMongifier.mongify(
                        AvroDocuments.toDocument(
                                AlertFixtures.records(Files.readAllBytes(file)).get(0)),
                        "objectId");
                double ra = alert.candidate().getDouble("ra");
                double dec = alert.candidate().getDouble("dec");
                Document coordinates = alert.alert().get("coordinates", Document.class);
                List<Double> lonLat =
                        coordinates.get("radec_geojson", Document.class).getList("coordinates", Double.class);
                double[] expected = GalacticReference.lb(ra, dec);

                assertThat(lonLat).as("%s", file).containsExactly(ra - 180, dec);
                assertThat(coordinates.getDouble("l")).as("%s l", file).isCloseTo(expected[0], within(1e-6));
                assertThat(coordinates.getDouble("b")).as("%s b", file).isCloseTo(expected[1], within(1e-6));
            }
        }
    }

    @Test
    void rejectsAlertWithoutObjectId() {
        Document record =
                AvroDocuments.toDocument(AlertFixtures.record("data/ztf_alerts/20200202/1127561445515015011.avro"));

        assertThatThrownBy(() -> AlertMongifier.mongify(record, "objectid"))
                .isInstanceOf(InvalidAlertException.class)
                .hasMessageContaining("1127561445515015011")
                .hasMessageContaining("objectid");
    }

    static List<Double> jds(List<Document> points) {
        return points.stream().map(point -> point.getDouble("jd")).toList();
    }
}
