package org.kowalski.common.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.common.testing.SharedData;
import org.kowalski.common.testing.TestConfigs;

/** Checks that the networks rebuilt for inference score like the networks DL4J imports from the Keras files. */
class InferenceNetworksTest {

    private static Path modelsDir;
    private static MlScorer scorer;
    private static List<AlertFeatures> features;
    private static float[][] triplets;

    @BeforeAll
    static void loadModelsAndAlerts() {
        modelsDir = SharedData.require("models/ztf");
        Path alertsDir = SharedData.require("data/ztf_alerts");
        scorer = MlScorer.load(
                TestConfigs.embedded(Map.of("ml", Map.of("ZTF", Map.of("models_source_dir", modelsDir.toString())))),
                "ZTF");

        // Ten alerts of both schema versions, some with NaN pixels in their cutouts.
        List<AlertInput> alerts = new ArrayList<>(
                ZtfAlertInputs.readFolder(alertsDir.resolve("20200202")).subList(0, 4));
        alerts.addAll(ZtfAlertInputs.readFolder(alertsDir.resolve("20231012")).subList(0, 6));
        features = new ArrayList<>();
        triplets = new float[alerts.size()][];
        for (int i = 0; i < alerts.size(); i++) {
            AlertInput alert = alerts.get(i);
            features.add(AlertFeatures.of(alert));
            triplets[i] = TripletBuilder.build(alert.cutoutScience(), alert.cutoutTemplate(), alert.cutoutDifference());
        }
    }

    @Test
    void rebuiltModelsScoreLikeImported() {
        assertThat(scorer.modelNames()).containsExactly("braai", "acai_h", "acai_v", "acai_o", "acai_n", "acai_b");
        List<Integer> rows = IntStream.range(0, triplets.length).boxed().toList();

        for (LoadedModel rebuilt : scorer.loadedModels()) {
            ModelDefinition definition = rebuilt.definition();
            LoadedModel imported = KerasModelImporter.importModel(definition, SampleModels.file(modelsDir, definition));
            List<float[]> vectors = rows.stream()
                    .map(row -> definition.usesFeatures() ? features.get(row).vector(definition.featureNames()) : null)
                    .toList();

            // One batch of ten, then each alert alone.
            float[] expected = MlScorer.predict(imported, rows, vectors, triplets);
            float[] batch = MlScorer.predict(rebuilt, rows, vectors, triplets);
            for (int row : rows) {
                float single =
                        MlScorer.predict(rebuilt, List.of(row), List.of(vectorOrEmpty(vectors.get(row))), triplets)[0];
                assertThat(batch[row])
                        .as("%s of alert %d in a batch", definition.name(), row)
                        .isCloseTo(expected[row], within(1e-6f));
                assertThat(single)
                        .as("%s of alert %d alone", definition.name(), row)
                        .isCloseTo(expected[row], within(1e-6f));
            }
        }
    }

    @Test
    void separableConvolutionsAreMerged() {
        for (LoadedModel model : scorer.loadedModels()) {
            Layer[] layers = model.layers();
            long nativeConvolutions = Stream.of(layers)
                    .filter(layer -> layer.conf().getLayer() instanceof NativeConvolution)
                    .count();
            long separableConvolutions = Stream.of(layers)
                    .filter(layer -> layer.conf().getLayer() instanceof SeparableConvolution2D)
                    .count();

            assertThat(nativeConvolutions)
                    .as("native convolutions of %s", model.definition().name())
                    .isEqualTo(4);
            assertThat(separableConvolutions)
                    .as("separable convolutions of %s", model.definition().name())
                    .isZero();
        }
    }

    private static float[] vectorOrEmpty(float[] vector) {
        return vector == null ? new float[0] : vector;
    }
}
