package org.kowalski.common.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kowalski.common.testing.SharedData;
import org.kowalski.common.testing.TestConfigs;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks that the networks rebuilt for inference, and the same networks on ONNX Runtime, score like the networks
 * DL4J imports from the Keras files.
 */
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
                TestConfigs.embedded(Map.of(
                        "ml", Map.of("ZTF", Map.of("models_source_dir", modelsDir.toString(), "engine", "dl4j")))),
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

        for (LoadedModel rebuilt : scorer.loadedModels()) {
            ModelDefinition definition = rebuilt.definition();
            LoadedModel imported = KerasModelImporter.importModel(definition, SampleModels.file(modelsDir, definition));

            assertScoresLike(imported, rebuilt, "rebuilt");
            assertScoresLike(
                    imported,
                    imported.rebuiltForInference(InferenceNetworks.SeparableMode.MERGED),
                    "separable layers merged");
        }
    }

    @Test
    void onnxModelsScoreLikeImported() throws Exception {
        for (LoadedModel rebuilt : scorer.loadedModels()) {
            ModelDefinition definition = rebuilt.definition();
            LoadedModel imported = KerasModelImporter.importModel(definition, SampleModels.file(modelsDir, definition));

            assertScoresLike(imported, imported.onOnnxRuntime(), "on ONNX Runtime");
        }
    }

    /** Checks that the candidate scores every sample alert as the imported network does, in one batch and alone. */
    private void assertScoresLike(LoadedModel imported, LoadedModel candidate, String variant) {
        ModelDefinition definition = imported.definition();
        List<Integer> rows = IntStream.range(0, triplets.length).boxed().toList();
        List<float[]> vectors = rows.stream()
                .map(row -> definition.usesFeatures() ? features.get(row).vector(definition.featureNames()) : null)
                .toList();

        float[] expected = MlScorer.predict(imported, rows, vectors, triplets);
        float[] batch = MlScorer.predict(candidate, rows, vectors, triplets);
        for (int row : rows) {
            float single =
                    MlScorer.predict(candidate, List.of(row), List.of(vectorOrEmpty(vectors.get(row))), triplets)[0];
            assertThat(batch[row])
                    .as("%s of alert %d in a batch, %s", definition.name(), row, variant)
                    .isCloseTo(expected[row], within(1e-6f));
            assertThat(single)
                    .as("%s of alert %d alone, %s", definition.name(), row, variant)
                    .isCloseTo(expected[row], within(1e-6f));
        }
    }

    @Test
    void separableConvolutionsAreReplaced() {
        for (LoadedModel model : scorer.loadedModels()) {
            Layer[] layers = model.layers();
            String name = model.definition().name();

            assertThat(count(layers, NativeConvolution.class))
                    .as("native convolutions of %s", name)
                    .isEqualTo(name.equals("braai") ? 4 : 0);
            assertThat(count(layers, JavaSeparableConvolution.class))
                    .as("Java separable convolutions of %s", name)
                    .isEqualTo(name.equals("braai") ? 0 : 4);
            assertThat(Stream.of(layers)
                            .filter(layer -> layer.conf().getLayer().getClass() == SeparableConvolution2D.class))
                    .as("DL4J separable convolutions of %s", name)
                    .isEmpty();
        }
    }

    @Test
    void javaSeparableMatchesDl4jWithPadding() {
        // Padding 1 and dilation 2 in height, padding 2 in width: the acai models use neither, so a small
        // network with random weights checks these paths against DL4J's own separable layer.
        for (int[] geometry : new int[][] {{1, 2, 1, 1}, {0, 0, 1, 1}, {1, 2, 2, 1}}) {
            SeparableConvolution2D separable = new SeparableConvolution2D.Builder()
                    .kernelSize(3, 3)
                    .padding(geometry[0], geometry[1])
                    .dilation(geometry[2], geometry[3])
                    .convolutionMode(ConvolutionMode.Truncate)
                    .dataFormat(CNN2DFormat.NHWC)
                    .nIn(5)
                    .nOut(7)
                    .activation(Activation.RELU)
                    .build();
            MultiLayerNetwork dl4j = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .seed(7)
                    .dataType(DataType.FLOAT)
                    .list()
                    .layer(separable)
                    .setInputType(InputType.convolutional(11, 13, 5, CNN2DFormat.NHWC))
                    .build());
            dl4j.init();
            dl4j.params()
                    .assign(Nd4j.rand(DataType.FLOAT, dl4j.params().shape()).subi(0.5));
            MultiLayerConfiguration javaConf = dl4j.getLayerWiseConfigurations().clone();
            javaConf.getConf(0).setLayer(new JavaSeparableConvolution((SeparableConvolution2D)
                    javaConf.getConf(0).getLayer()));
            MultiLayerNetwork javaNetwork = new MultiLayerNetwork(javaConf);
            javaNetwork.init();
            dl4j.getLayer(0)
                    .paramTable()
                    .forEach((key, value) ->
                            javaNetwork.getLayer(0).getParam(key).assign(value));
            INDArray input = Nd4j.rand(DataType.FLOAT, 3, 11, 13, 5).subi(0.5);

            INDArray expected = dl4j.output(input, false);
            INDArray actual = javaNetwork.output(input, false);

            String label = Arrays.toString(geometry);
            assertThat(javaNetwork.getLayer(0)).as(label).isInstanceOf(JavaSeparableConvolution.Implementation.class);
            assertThat(actual.shape()).as(label).isEqualTo(expected.shape());
            float[] expectedValues = expected.dup('c').data().asFloat();
            float[] actualValues = actual.dup('c').data().asFloat();
            for (int i = 0; i < expectedValues.length; i++) {
                assertThat(actualValues[i]).as("%s element %d", label, i).isCloseTo(expectedValues[i], within(1e-5f));
            }
        }
    }

    private static long count(Layer[] layers, Class<?> type) {
        return Stream.of(layers)
                .filter(layer -> type.isInstance(layer.conf().getLayer()))
                .count();
    }

    private static float[] vectorOrEmpty(float[] vector) {
        return vector == null ? new float[0] : vector;
    }
}
