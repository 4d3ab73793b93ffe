package org.kowalski.common.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.kowalski.common.kafka.AlertStreamer;
import org.kowalski.common.testing.AlertFixtures;
import org.kowalski.common.testing.SharedData;

class AlertContainerReaderTest {

    private final AlertContainerReader reader = new AlertContainerReader();

    @Test
    void readsEverySampleFolder() throws Exception {
        // Folder, number of files, schema version of the first record.
        Object[][] cases = {
            {"data/ztf_alerts/20200202", 12, "3.3"},
            {"data/ztf_alerts/20231012", 24, "4.01"},
            {"data/pgir_alerts/20210629", 17, null},
            {"data/wntr_alerts/20240311", 11, null},
            {"data/turbo_alerts", 11, null},
        };
        for (Object[] c : cases) {
            Path folder = SharedData.require((String) c[0]);
            List<Path> files = AlertStreamer.listAlertFiles(folder);
            assertThat(files).as("%s", c[0]).hasSize((Integer) c[1]);
            for (Path file : files) {
                AlertContainerReader.Result result = reader.read(java.nio.file.Files.readAllBytes(file));
                assertThat(result.error()).as("%s", file).isNull();
                assertThat(result.records()).as("%s", file).hasSize(1);
            }
            if (c[2] != null) {
                GenericRecord first = reader.read(java.nio.file.Files.readAllBytes(files.get(0)))
                        .records()
                        .get(0);
                assertThat(first.get("schemavsn").toString()).isEqualTo(c[2]);
            }
        }
    }

    @Test
    void keepsBothValuesOfWinterDuplicateField() {
        GenericRecord record = AlertFixtures.record("data/wntr_alerts/20240311/3608694.avro");
        GenericRecord candidate = (GenericRecord) record.get("candidate");

        assertThat(candidate.getSchema().getField("sgmag1")).isNotNull();
        assertThat(candidate.getSchema().getField("sgmag1_duplicate")).isNotNull();
        assertThat(record.get("objectid").toString()).isEqualTo("WNTR24awati");
        assertThat(((Number) record.get("candid")).longValue()).isEqualTo(3608694L);
    }

    @Test
    void readsSeveralRecordsAndBlocks() {
        GenericRecord first = AlertFixtures.record("data/ztf_alerts/20200202/1127561445515015011.avro");
        GenericRecord second = AlertFixtures.record("data/ztf_alerts/20200202/1127561440015015001.avro");
        byte[] plain = AlertFixtures.container(List.of(first, second, first), CodecFactory.nullCodec());
        byte[] deflated = AlertFixtures.container(List.of(first, second), CodecFactory.deflateCodec(6));

        AlertContainerReader.Result plainResult = reader.read(plain);
        AlertContainerReader.Result deflatedResult = reader.read(deflated);

        assertThat(plainResult.error()).isNull();
        assertThat(plainResult.records())
                .extracting(r -> ((Number) r.get("candid")).longValue())
                .containsExactly(1127561445515015011L, 1127561440015015001L, 1127561445515015011L);
        assertThat(deflatedResult.error()).isNull();
        assertThat(deflatedResult.records()).hasSize(2);
    }

    @Test
    void reportsRandomBytes() {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);

        AlertContainerReader.Result result = reader.read(noise);

        assertThat(result.failed()).isTrue();
        assertThat(result.error().getMessage()).contains("not an Avro object container");
        assertThat(result.records()).isEmpty();
    }

    @Test
    void reportsTruncatedAlert() {
        byte[] alert = AlertFixtures.bytes("data/ztf_alerts/20200202/1127561445515015011.avro");
        for (int length : new int[] {0, 3, 100, 5000, alert.length / 2, alert.length - 17, alert.length - 1}) {
            AlertContainerReader.Result result = reader.read(Arrays.copyOf(alert, length));

            assertThat(result.failed()).as("truncated to %d bytes", length).isTrue();
            assertThat(result.records()).as("truncated to %d bytes", length).isEmpty();
        }
    }

    @Test
    void keepsRecordsBeforeCorruptBlock() {
        GenericRecord first = AlertFixtures.record("data/ztf_alerts/20200202/1127561445515015011.avro");
        byte[] oneBlock = AlertFixtures.container(List.of(first), CodecFactory.nullCodec());
        // Append a second block that claims one record but is cut short: count 1, size 10, 3 bytes.
        byte[] corrupt = Arrays.copyOf(oneBlock, oneBlock.length + 5);
        corrupt[oneBlock.length] = 2;
        corrupt[oneBlock.length + 1] = 20;

        AlertContainerReader.Result result = reader.read(corrupt);

        assertThat(result.failed()).isTrue();
        assertThat(result.records()).hasSize(1);
    }
}
