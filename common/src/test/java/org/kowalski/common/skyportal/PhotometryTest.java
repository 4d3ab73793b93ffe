package org.kowalski.common.skyportal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.kowalski.common.alert.AlertMongifier;
import org.kowalski.common.alert.AvroDocuments;
import org.kowalski.common.alert.ForcedPhotometry;
import org.kowalski.common.alert.MongifiedAlert;
import org.kowalski.common.testing.AlertFixtures;
import org.kowalski.common.testing.AvroSamples;
import org.kowalski.common.testing.SharedData;

class PhotometryTest {

    private static MongifiedAlert alert(Path file) {
        try {
            return AlertMongifier.mongify(
                    AvroDocuments.toDocument(
                            AlertFixtures.records(Files.readAllBytes(file)).get(0)),
                    file.toString().contains("wntr") ? "objectid" : "objectId");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MongifiedAlert alert(String relativePath) {
        return alert(SharedData.require(relativePath));
    }

    @Test
    void ztfAlertHas32Rows() {
        MongifiedAlert alert = alert("data/ztf_alerts/20200202/1127561445515015011.avro");

        List<Photometry.Row> rows = Photometry.alertRows(SurveyProfile.ZTF, alert.candidate(), alert.prvCandidates());

        assertThat(rows).hasSize(32);
        assertThat(rows).allSatisfy(row -> assertThat(row.fluxErr()).isFinite());
        assertThat(rows).extracting(Photometry.Row::mjd).isSorted();
    }

    @Test
    void forcedPhotometryGives28Rows() {
        MongifiedAlert alert = alert("data/ztf_alerts/20231012/2475433850015010009.avro");

        List<Photometry.Row> alertRows =
                Photometry.alertRows(SurveyProfile.ZTF, alert.candidate(), alert.prvCandidates());
        List<Photometry.Row> forcedRows =
                Photometry.forcedRows(SurveyProfile.ZTF, ForcedPhotometry.clean(alert.fpHists()));

        assertThat(alertRows.size() + forcedRows.size()).isEqualTo(28);
        assertThat(alertRows).hasSize(21);
        assertThat(alertRows).filteredOn(row -> Double.isFinite(row.flux())).hasSize(5);
        assertThat(forcedRows).hasSize(7);
        assertThat(forcedRows).filteredOn(row -> Double.isFinite(row.flux())).hasSize(6);
        assertThat(forcedRows).allSatisfy(row -> assertThat(row.origin()).isEqualTo("alert_fp"));
        assertThat(alertRows).allSatisfy(row -> assertThat(row.fluxErr()).isFinite());
        assertThat(forcedRows).allSatisfy(row -> assertThat(row.fluxErr()).isFinite());
    }

    @Test
    void putBodyMatchesHandComputation() {
        // A detection, a non-detection and a negative detection of ZTF program 1, and one program-2 row.
        Document candidate = Document.parse("{jd: 2459000.5, fid: 1, magpsf: 18.5, sigmapsf: 0.1,"
                + " diffmaglim: 20.0, isdiffpos: 't', ra: 10.0, dec: 20.0, programid: 1}");
        List<Document> history = List.of(
                Document.parse("{jd: 2458999.5, fid: 2, magpsf: null, sigmapsf: null, diffmaglim: 20.5,"
                        + " isdiffpos: null, ra: null, dec: null, programid: 1}"),
                Document.parse("{jd: 2458998.5, fid: 1, magpsf: 19.0, sigmapsf: 0.2, diffmaglim: 20.1,"
                        + " isdiffpos: 'f', ra: 10.1, dec: 20.1, programid: 1}"),
                Document.parse("{jd: 2458997.5, fid: 3, magpsf: 17.0, sigmapsf: 0.05, diffmaglim: 19.0,"
                        + " isdiffpos: '1', ra: 10.2, dec: 20.2, programid: 2}"));
        List<Photometry.Row> rows = Photometry.alertRows(SurveyProfile.ZTF, candidate, history);

        List<Photometry.Put> puts =
                Photometry.puts(SurveyProfile.ZTF, "ZTF20abc", 7, Map.of(0, 30L, 1, 10L, 2, 20L, 3, 30L), rows);

        // One PUT per stream, in order of first appearance in the light curve sorted by mjd.
        assertThat(puts).hasSize(2);
        Map<String, Object> program2 = puts.get(0).body();
        assertThat(program2.get("stream_ids")).isEqualTo(List.of(20L));
        assertThat(program2.get("filter")).isEqualTo(List.of("ztfi"));
        Map<String, Object> program1 = puts.get(1).body();
        assertThat(puts.get(1).streamId()).isEqualTo(10L);
        assertThat(puts.get(1).query()).isEmpty();
        assertThat(program1.get("obj_id")).isEqualTo("ZTF20abc");
        assertThat(program1.get("stream_ids")).isEqualTo(List.of(10L));
        assertThat(program1.get("instrument_id")).isEqualTo(7L);
        assertThat(program1.get("mjd")).isEqualTo(List.of(58998.0, 58999.0, 59000.0));
        assertThat(program1.get("filter")).isEqualTo(List.of("ztfg", "ztfr", "ztfg"));
        assertThat(program1.get("zp")).isEqualTo(List.of(23.9, 23.9, 23.9));
        assertThat(program1.get("magsys")).isEqualTo(List.of("ab", "ab", "ab"));
        assertThat(program1.get("ra")).isEqualTo(java.util.Arrays.asList(10.1, null, 10.0));
        assertThat(program1.get("origin")).isEqualTo(java.util.Arrays.asList(null, null, null));

        // Hand computation: flux = sign * 10^(-0.4 (magpsf - 23.9)), error = |sigmapsf * flux * ln10 / 2.5|,
        // and a non-detection has no flux and the error 10^(-0.4 (diffmaglim - 23.9)) / 5.
        double negative = -Math.pow(10, -0.4 * (19.0 - 23.9));
        double limit = Math.pow(10, -0.4 * (20.5 - 23.9)) / 5;
        double positive = Math.pow(10, -0.4 * (18.5 - 23.9));
        List<?> flux = (List<?>) program1.get("flux");
        List<?> fluxErr = (List<?>) program1.get("fluxerr");
        assertThat((Double) flux.get(0)).isCloseTo(negative, within(1e-9 * Math.abs(negative)));
        assertThat(flux.get(1)).isNull();
        assertThat((Double) flux.get(2)).isCloseTo(positive, within(1e-9 * positive));
        assertThat((Double) fluxErr.get(0))
                .isCloseTo(Math.abs((double) 0.2f * negative * Math.log(10) / 2.5), within(1e-9));
        assertThat((Double) fluxErr.get(1)).isCloseTo(limit, within(1e-9));
        assertThat((Double) fluxErr.get(2)).isCloseTo((double) 0.1f * positive * Math.log(10) / 2.5, within(1e-9));
    }

    @Test
    void isdiffposValuesGiveSign() {
        Map<Object, Double> expectedSign = new java.util.LinkedHashMap<>();
        expectedSign.put("t", 1.0);
        expectedSign.put("f", -1.0);
        expectedSign.put("1", 1.0);
        expectedSign.put("0", -1.0);
        expectedSign.put(true, 1.0);
        expectedSign.put(false, -1.0);
        expectedSign.put(1.0, 1.0);
        expectedSign.put(0, -1.0);

        for (Map.Entry<Object, Double> entry : expectedSign.entrySet()) {
            Document candidate = new Document("jd", 2459000.5)
                    .append("fid", 2)
                    .append("magpsf", 23.9)
                    .append("sigmapsf", 0.1)
                    .append("diffmaglim", 20.0)
                    .append("isdiffpos", entry.getKey());

            List<Photometry.Row> rows = Photometry.alertRows(SurveyProfile.ZTF, candidate, List.of());

            // magpsf 23.9 gives a flux of 1 microjansky, up to the float rounding of magpsf.
            assertThat(rows.get(0).flux()).as("isdiffpos %s", entry.getKey()).isCloseTo(entry.getValue(), within(1e-6));
        }
    }

    @Test
    void wntrRowUsesJBand() {
        MongifiedAlert alert = alert("data/wntr_alerts/20240311/" + wntrFixture() + ".avro");

        List<Photometry.Row> rows = Photometry.alertRows(SurveyProfile.WNTR, alert.candidate(), alert.prvCandidates());
        List<Photometry.Put> puts = Photometry.puts(
                SurveyProfile.WNTR, "WNTR24awati", 3, java.util.Collections.singletonMap(null, 5L), rows);

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).filter()).isEqualTo("2massj");
        assertThat(rows.get(0).flux()).isPositive();
        assertThat(puts).hasSize(1);
        assertThat(puts.get(0).body()).doesNotContainKey("origin");
        assertThat(puts.get(0).body().get("stream_ids")).isEqualTo(List.of(5L));
    }

    private static String wntrFixture() {
        for (Path file : AvroSamples.avroFiles(SharedData.require("data/wntr_alerts/20240311"))) {
            if (alert(file).candid() == 3608694L) {
                return file.getFileName().toString().replace(".avro", "");
            }
        }
        throw new AssertionError("No WINTER sample with candid 3608694");
    }

    @Test
    void pgirRowsAreJBand() {
        List<Path> files = AvroSamples.avroFiles(SharedData.require("data/pgir_alerts/20210629"));
        for (Path file : files) {
            MongifiedAlert alert = alert(file);
            if (alert.candid() != 114297926L) {
                continue;
            }

            List<Photometry.Row> rows =
                    Photometry.alertRows(SurveyProfile.PGIR, alert.candidate(), alert.prvCandidates());

            assertThat(rows).hasSize(71);
            assertThat(rows).allSatisfy(row -> assertThat(row.filter()).isEqualTo("cspjs"));
            return;
        }
        throw new AssertionError("No PGIR sample with candid 114297926");
    }
}
