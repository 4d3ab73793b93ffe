package org.kowalski.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.kowalski.common.alert.AlertContainerReader;
import org.kowalski.common.sky.Coordinates;
import org.kowalski.common.testing.SharedData;

class AlertReplayerTest {

    private final AlertContainerReader reader = new AlertContainerReader();

    @Test
    void planGivesDistinctCandidsAndRepeatShare() {
        AlertReplayer replayer = AlertReplayer.plan(AlertTemplates.generated("a test"), 2000, 0.3, 7);

        Set<Long> candids = new HashSet<>();
        Set<String> objectIds = new HashSet<>();
        int repeats = 0;
        for (int i = 0; i < replayer.alerts(); i++) {
            candids.add(replayer.candid(i));
            if (replayer.isRepeat(i)) {
                repeats++;
                assertThat(objectIds).contains(replayer.objectId(i));
            }
            objectIds.add(replayer.objectId(i));
        }
        assertThat(candids).hasSize(2000);
        assertThat(objectIds).hasSize(replayer.objects());
        assertThat(repeats).isEqualTo(replayer.repeatAlerts());
        assertThat(repeats / 2000.0).isCloseTo(0.3, within(0.04));
    }

    @Test
    void repeatAlertStaysNearItsObject() {
        AlertReplayer replayer = AlertReplayer.plan(AlertTemplates.generated("a test"), 500, 0.5, 11);

        for (int i = 0; i < replayer.alerts(); i++) {
            if (!replayer.isRepeat(i)) {
                continue;
            }
            int first = firstAlertOf(replayer, replayer.objectId(i));
            double distanceArcsec = 3600
                    * Coordinates.greatCircleDistanceDeg(
                            replayer.raDeg(first), replayer.decDeg(first), replayer.raDeg(i), replayer.decDeg(i));
            assertThat(distanceArcsec).isLessThanOrEqualTo(AlertReplayer.REPEAT_JITTER_ARCSEC + 1e-6);
        }
    }

    @Test
    void sampleCopyKeepsSchemaAndFields() {
        SharedData.require(AlertTemplates.ZTF_SAMPLES);
        AlertTemplates templates = AlertTemplates.load();
        assertThat(templates.fromSamples()).isTrue();
        AlertReplayer replayer = AlertReplayer.plan(templates, 40, 0.0, 3);

        for (int i = 0; i < replayer.alerts(); i++) {
            AlertTemplate template =
                    templates.templates().get(i % templates.templates().size());
            GenericRecord copy = decode(replayer.encode(i));
            GenericRecord candidate = (GenericRecord) copy.get("candidate");

            assertThat(copy.getSchema()).isEqualTo(template.schema());
            assertThat(copy.get("candid")).isEqualTo(replayer.candid(i));
            assertThat(candidate.get("candid")).isEqualTo(replayer.candid(i));
            assertThat(copy.get("objectId").toString()).isEqualTo(replayer.objectId(i));
            assertThat((Double) candidate.get("ra")).isEqualTo(replayer.raDeg(i));
            assertThat((Double) candidate.get("dec")).isEqualTo(replayer.decDeg(i));
            double offsetDeg = Coordinates.greatCircleDistanceDeg(
                    template.raDeg(), template.decDeg(), replayer.raDeg(i), replayer.decDeg(i));
            assertThat(offsetDeg).isLessThanOrEqualTo(AlertReplayer.SPREAD_DEG + 1e-9);
        }
    }

    @Test
    void sampleCopyKeepsCutoutsAndPhotometry() throws IOException {
        Path samples = SharedData.require(AlertTemplates.ZTF_SAMPLES);
        AlertTemplates templates = AlertTemplates.load();
        AlertReplayer replayer = AlertReplayer.plan(templates, 1, 0.0, 5);
        byte[] original;
        try (Stream<Path> files = Files.walk(samples)) {
            Path first = files.filter(file -> file.toString().endsWith(".avro"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
            original = Files.readAllBytes(first);
        }

        GenericRecord before = decode(original);
        GenericRecord after = decode(replayer.encode(0));

        for (String field : List.of("cutoutScience", "cutoutTemplate", "cutoutDifference")) {
            assertThat(after.get(field)).isEqualTo(before.get(field));
        }
        GenericRecord candidateBefore = (GenericRecord) before.get("candidate");
        GenericRecord candidateAfter = (GenericRecord) after.get("candidate");
        assertThat(candidateAfter.get("magpsf")).isEqualTo(candidateBefore.get("magpsf"));
        assertThat(candidateAfter.get("jd")).isEqualTo(candidateBefore.get("jd"));
        assertThat(((List<?>) after.get("prv_candidates"))).hasSameSizeAs((List<?>) before.get("prv_candidates"));
    }

    private GenericRecord decode(byte[] container) {
        AlertContainerReader.Result result = reader.read(container);
        assertThat(result.failed()).as("decoding failed: %s", result.error()).isFalse();
        assertThat(result.records()).hasSize(1);
        return result.records().get(0);
    }

    private static int firstAlertOf(AlertReplayer replayer, String objectId) {
        for (int i = 0; i < replayer.alerts(); i++) {
            if (replayer.objectId(i).equals(objectId)) {
                return i;
            }
        }
        throw new AssertionError("no alert of " + objectId);
    }
}
