package org.kowalski.common.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.common.testing.SharedData;
import org.kowalski.common.testing.TestConfigs;

class MlScorerTest {

    private static final List<String> MODELS = List.of("braai", "acai_h", "acai_v", "acai_o", "acai_n", "acai_b");
    private static final double TOLERANCE = 1e-5;

    /** Scores with the default engine, ONNX Runtime. */
    private static MlScorer scorer;

    /** Scores with DL4J ({@code engine: dl4j}). */
    private static MlScorer dl4jScorer;

    private static Path alertsDir;

    @BeforeAll
    static void loadModels() {
        Path models = SharedData.require("models/ztf");
        alertsDir = SharedData.require("data/ztf_alerts");
        scorer = MlScorer.load(
                TestConfigs.embedded(Map.of("ml", Map.of("ZTF", Map.of("models_source_dir", models.toString())))),
                "ZTF");
        dl4jScorer = MlScorer.load(
                TestConfigs.embedded(
                        Map.of("ml", Map.of("ZTF", Map.of("models_source_dir", models.toString(), "engine", "dl4j")))),
                "ZTF");
    }

    @Test
    void defaultEngineIsOnnxRuntime() {
        for (LoadedModel model : scorer.loadedModels()) {
            assertThat(model.engine()).as(model.definition().name()).isEqualTo("onnxruntime");
        }
        for (LoadedModel model : dl4jScorer.loadedModels()) {
            assertThat(model.engine()).as(model.definition().name()).isEqualTo("dl4j");
        }
    }

    @Test
    void allSixModelsLoad() {
        assertThat(scorer.failedModels()).isEmpty();
        assertThat(scorer.modelNames()).containsExactlyElementsOf(MODELS);
    }

    @Test
    void scoresMatchReference() throws Exception {
        assertScoresMatchReference(scorer);
    }

    @Test
    void dl4jScoresMatchReference() throws Exception {
        assertScoresMatchReference(dl4jScorer);
    }

    private static void assertScoresMatchReference(MlScorer scorer) throws Exception {
        JsonNode reference = new ObjectMapper()
                .readTree(SharedData.require("data/ml_reference_sample.json").toFile());

        assertThat(reference.get("alerts")).hasSize(6);
        for (JsonNode expected : reference.get("alerts")) {
            AlertInput alert =
                    ZtfAlertInputs.read(alertsDir.resolve(expected.get("file").asText()));
            Map<String, Object> scores = scorer.score(alert);

            for (String model : MODELS) {
                assertThat((Double) scores.get(model))
                        .as("%s of %s", model, expected.get("objectId").asText())
                        .isCloseTo(expected.get(model).asDouble(), within(TOLERANCE));
                assertThat(scores.get(model + "_version"))
                        .isEqualTo(reference
                                .get("models")
                                .get(model)
                                .get("version")
                                .asText());
            }
        }
    }

    @Test
    void concurrentScoresEqualSerialScores() throws Exception {
        JsonNode reference = new ObjectMapper()
                .readTree(SharedData.require("data/ml_reference_sample.json").toFile());
        List<AlertInput> alerts = new ArrayList<>();
        for (JsonNode expected : reference.get("alerts")) {
            alerts.add(
                    ZtfAlertInputs.read(alertsDir.resolve(expected.get("file").asText())));
        }
        alerts.addAll(ZtfAlertInputs.readFolder(alertsDir.resolve("20231012")).subList(0, 6));
        List<Map<String, Object>> serial = scorer.score(alerts);

        int threads = 4;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        List<List<Map<String, Object>>> concurrent = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Map<String, Object>>>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(executor.submit(() -> {
                    start.await();
                    // Two calls per thread, the second with batches of 4, so calls overlap in several ways.
                    List<Map<String, Object>> first = scorer.score(alerts);
                    List<Map<String, Object>> second =
                            scorer.withMaxBatchSize(4).score(alerts);
                    assertThat(second).hasSize(alerts.size());
                    return first;
                }));
            }
            start.countDown();
            for (Future<List<Map<String, Object>>> future : futures) {
                concurrent.add(future.get(5, TimeUnit.MINUTES));
            }
        } finally {
            executor.shutdownNow();
        }

        for (int t = 0; t < threads; t++) {
            assertThat(concurrent.get(t)).as("scores of thread %d", t).isEqualTo(serial);
        }
        JsonNode expectedAlerts = reference.get("alerts");
        for (int i = 0; i < expectedAlerts.size(); i++) {
            for (String model : MODELS) {
                assertThat((Double) concurrent.get(threads - 1).get(i).get(model))
                        .as(
                                "%s of %s",
                                model, expectedAlerts.get(i).get("objectId").asText())
                        .isCloseTo(expectedAlerts.get(i).get(model).asDouble(), within(TOLERANCE));
            }
        }
    }

    @Test
    void busyModelSetIsNotShared() {
        ModelReplicas replicas = new ModelReplicas("ZTF", dl4jScorer.loadedModels());

        List<LoadedModel> first = replicas.acquire();
        List<LoadedModel> second = replicas.acquire();
        replicas.release(first);
        List<LoadedModel> third = replicas.acquire();

        assertThat(first).isEqualTo(dl4jScorer.loadedModels());
        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).layers()[0])
                    .as("first layer of copy %d", i)
                    .isNotSameAs(first.get(i).layers()[0]);
        }
        assertThat(third).as("released set reused").isSameAs(first);
        assertThat(replicas.size()).isEqualTo(2);
    }

    @Test
    void threadSafeModelSetIsShared() {
        ModelReplicas replicas = new ModelReplicas("ZTF", scorer.loadedModels());

        List<LoadedModel> first = replicas.acquire();
        List<LoadedModel> second = replicas.acquire();

        assertThat(first).isSameAs(scorer.loadedModels());
        assertThat(second).isSameAs(first);
        replicas.release(second);
        replicas.release(first);
        assertThat(replicas.size()).as("model sets copied").isZero();
    }

    @Test
    void featuresMatchReference() throws Exception {
        JsonNode reference = new ObjectMapper()
                .readTree(SharedData.require("data/ml_reference_sample.json").toFile());
        List<String> names = List.of(
                "drb",
                "diffmaglim",
                "ra",
                "dec",
                "magpsf",
                "sigmapsf",
                "chipsf",
                "fwhm",
                "sky",
                "chinr",
                "sharpnr",
                "sgscore1",
                "distpsnr1",
                "sgscore2",
                "distpsnr2",
                "sgscore3",
                "distpsnr3",
                "ndethist",
                "ncovhist",
                "scorr",
                "nmtchps",
                "clrcoeff",
                "clrcounc",
                "neargaia",
                "neargaiabright");

        for (JsonNode expected : reference.get("alerts")) {
            AlertInput alert =
                    ZtfAlertInputs.read(alertsDir.resolve(expected.get("file").asText()));
            float[] vector = AlertFeatures.of(alert).vector(names);

            JsonNode values = expected.get("acai_features");
            assertThat(vector).hasSize(values.size());
            for (int i = 0; i < vector.length; i++) {
                assertThat(vector[i]).as(names.get(i)).isEqualTo((float)
                        values.get(i).asDouble());
            }
        }
    }

    @Test
    void batchEqualsSingleAlerts() {
        // Ten alerts of both schema versions, some with NaN pixels in their cutouts.
        List<AlertInput> alerts = new ArrayList<>(
                ZtfAlertInputs.readFolder(alertsDir.resolve("20200202")).subList(0, 4));
        alerts.addAll(ZtfAlertInputs.readFolder(alertsDir.resolve("20231012")).subList(0, 6));

        List<Map<String, Object>> batch = scorer.withMaxBatchSize(4).score(alerts);

        assertThat(batch).hasSize(10);
        for (int i = 0; i < alerts.size(); i++) {
            Map<String, Object> single = scorer.score(alerts.get(i));
            assertThat(batch.get(i).keySet()).as("alert %d", i).isEqualTo(single.keySet());
            for (String model : MODELS) {
                assertThat((Double) batch.get(i).get(model))
                        .as("%s of alert %d", model, i)
                        .isCloseTo((Double) single.get(model), within(1e-6));
            }
        }
    }

    @Test
    void documentInputScoresLikeAvro() {
        AlertInput avro = sampleAlert();
        Document candidate = new Document(new HashMap<String, Object>(avro.candidate()));
        List<Document> history = avro.history().stream()
                .map(entry -> new Document(new HashMap<String, Object>(entry)))
                .toList();
        Document alert = new Document("objectId", avro.objectId())
                .append("candidate", candidate)
                .append("prv_candidates", history)
                .append("cutoutScience", new Document("stampData", new Binary(avro.cutoutScience())))
                .append("cutoutTemplate", new Document("stampData", avro.cutoutTemplate()))
                .append("cutoutDifference", new Document("stampData", ByteBuffer.wrap(avro.cutoutDifference())));

        AlertInput input = AlertInput.fromZtfAlert(alert);

        assertThat(input.history()).hasSize(avro.history().size());
        assertThat(scorer.score(input)).isEqualTo(scorer.score(avro));
    }

    @Test
    void nullDrbFallsBackToRb() {
        AlertInput alert = sampleAlert();
        Map<String, Object> withRbAsDrb = new HashMap<>(alert.candidate());
        withRbAsDrb.put("drb", withRbAsDrb.get("rb"));
        Map<String, Object> withNullDrb = new HashMap<>(alert.candidate());
        withNullDrb.put("drb", null);

        Map<String, Object> expected = scorer.score(withCandidate(alert, withRbAsDrb));
        Map<String, Object> scores = scorer.score(withCandidate(alert, withNullDrb));

        assertThat(scores).containsOnlyKeys(expected.keySet());
        for (String model : MODELS) {
            assertThat((Double) scores.get(model)).as(model).isCloseTo((Double) expected.get(model), within(1e-7));
        }
    }

    @Test
    void nullFeatureDropsOnlyAcaiScores() {
        AlertInput alert = sampleAlert();
        Map<String, Object> candidate = new HashMap<>(alert.candidate());
        candidate.put("drb", null);
        candidate.put("rb", null);

        Map<String, Object> scores = scorer.score(withCandidate(alert, candidate));

        assertThat(scores).containsOnlyKeys("braai", "braai_version");
    }

    @Test
    void nullJdstarthistGivesNoScores() {
        AlertInput alert = sampleAlert();
        Map<String, Object> candidate = new HashMap<>(alert.candidate());
        candidate.put("jdstarthist", null);

        List<Map<String, Object>> scores = scorer.score(List.of(withCandidate(alert, candidate), alert));

        assertThat(scores.get(0)).isEmpty();
        assertThat(scores.get(1)).containsKeys(MODELS.toArray(String[]::new));
    }

    @Test
    void smallCutoutIsPaddedAndScored() {
        AlertInput alert = sampleAlert();
        AlertInput cropped = new AlertInput(
                alert.objectId(),
                alert.candidate(),
                alert.history(),
                FitsCutouts.crop(alert.cutoutScience(), 52, 63),
                alert.cutoutTemplate(),
                alert.cutoutDifference());

        Map<String, Object> scores = scorer.score(cropped);

        assertThat(scores).containsKeys(MODELS.toArray(String[]::new));
        for (String model : MODELS) {
            assertThat((Double) scores.get(model)).as(model).isBetween(0.0, 1.0);
        }
    }

    @Test
    void largeOrBrokenCutoutGivesNoScores() {
        AlertInput alert = sampleAlert();
        AlertInput large = new AlertInput(
                alert.objectId(),
                alert.candidate(),
                alert.history(),
                FitsCutouts.gzippedFits(64, 63, new float[64 * 63]),
                alert.cutoutTemplate(),
                alert.cutoutDifference());
        AlertInput broken = new AlertInput(
                alert.objectId(),
                alert.candidate(),
                alert.history(),
                alert.cutoutScience(),
                new byte[] {1, 2, 3},
                alert.cutoutDifference());

        List<Map<String, Object>> scores = scorer.score(List.of(large, broken));

        assertThat(scores.get(0)).isEmpty();
        assertThat(scores.get(1)).isEmpty();
    }

    @Test
    void allZeroCutoutGivesNanScores() {
        AlertInput alert = sampleAlert();
        AlertInput zeros = new AlertInput(
                alert.objectId(),
                alert.candidate(),
                alert.history(),
                alert.cutoutScience(),
                alert.cutoutTemplate(),
                FitsCutouts.gzippedFits(63, 63, new float[63 * 63]));

        Map<String, Object> scores = scorer.score(zeros);

        // The original divides by the zero norm without a guard, so every model gets NaN pixels.
        for (String model : MODELS) {
            assertThat((Double) scores.get(model)).as(model).isNaN();
        }
    }

    private static AlertInput sampleAlert() {
        return ZtfAlertInputs.read(alertsDir.resolve("20200202/1127561445515015011.avro"));
    }

    private static AlertInput withCandidate(AlertInput alert, Map<String, Object> candidate) {
        return new AlertInput(
                alert.objectId(),
                candidate,
                alert.history(),
                alert.cutoutScience(),
                alert.cutoutTemplate(),
                alert.cutoutDifference());
    }
}
