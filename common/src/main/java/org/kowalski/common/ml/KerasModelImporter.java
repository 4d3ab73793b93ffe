package org.kowalski.common.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModel;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelBuilder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Imports Keras 2 HDF5 models ({@code model_config} plus {@code model_weights}) with Deeplearning4j.
 *
 * <p>DL4J 1.0.0-M2.1 pairs the input types it infers, taken in the order of the model JSON's layer list,
 * with the inputs in {@code input_layers} order. The acai models list {@code triplets} first in their
 * layers but declare {@code input_layers = [features, triplets]}, so a plain import fails with "expected
 * FeedForward input type". The importer therefore moves the input layers to the front of the layer list,
 * in {@code input_layers} order, before building. That edit only reorders the JSON in memory: the graph,
 * the weights and the file are unchanged.
 */
final class KerasModelImporter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasModelImporter() {}

    /**
     * Imports a model file and checks that its inputs match the configuration.
     *
     * @throws ModelLoadingException with the reason when the file is not a usable Keras model
     */
    static LoadedModel importModel(ModelDefinition definition, Path file) {
        try (KerasModelBuilder builder = new KerasModel()
                .modelBuilder()
                .modelHdf5Filename(file.toString())
                .enforceTrainingConfig(false)) {
            JsonNode modelConfig = JSON.readTree(builder.getModelJson());
            String className = modelConfig.path("class_name").asText();
            if (className.equals("Sequential")) {
                MultiLayerNetwork network = builder.buildSequential().getMultiLayerNetwork();
                checkSingleInput(definition);
                return LoadedModel.of(definition, network);
            }

            builder.modelJson(JSON.writeValueAsString(inputLayersFirst(modelConfig)));
            KerasModel kerasModel = builder.buildModel();
            ComputationGraph graph = kerasModel.getComputationGraph();
            checkGraphInputs(definition, graph, kerasModel.getOutputTypes());
            return LoadedModel.of(definition, graph);
        } catch (IOException | InvalidKerasConfigurationException | UnsupportedKerasConfigurationException e) {
            throw new ModelLoadingException("failed to import " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // DL4J signals malformed files and layer mismatches with unchecked exceptions, such as
            // IllegalStateException or the HDF5 library's own exceptions.
            throw new ModelLoadingException("failed to import " + file + ": " + e, e);
        }
    }

    /** Returns a copy of a functional model config whose layer list starts with the input layers. */
    static JsonNode inputLayersFirst(JsonNode modelConfig) {
        ObjectNode copy = modelConfig.deepCopy();
        JsonNode config = copy.path("config");
        if (!(config.path("layers") instanceof ArrayNode layers)
                || !config.path("input_layers").isArray()) {
            return copy;
        }

        List<String> inputNames = new ArrayList<>();
        for (JsonNode inputLayer : config.path("input_layers")) {
            inputNames.add(inputLayer.path(0).asText());
        }
        List<JsonNode> inputs = new ArrayList<>();
        List<JsonNode> others = new ArrayList<>();
        for (String inputName : inputNames) {
            for (JsonNode layer : layers) {
                if (layerName(layer).equals(inputName)) {
                    inputs.add(layer);
                }
            }
        }
        for (JsonNode layer : layers) {
            if (!inputNames.contains(layerName(layer))) {
                others.add(layer);
            }
        }
        layers.removeAll();
        layers.addAll(inputs);
        layers.addAll(others);
        return copy;
    }

    private static String layerName(JsonNode layer) {
        JsonNode name = layer.get("name");
        return name != null ? name.asText() : layer.path("config").path("name").asText();
    }

    private static void checkSingleInput(ModelDefinition definition) {
        if (definition.inputs().size() != 1) {
            throw new ModelLoadingException("the file is a Sequential model with one input, but the configuration"
                    + " gives it " + definition.inputs() + ": set triplet or feature_names to match the model");
        }
    }

    private static void checkGraphInputs(
            ModelDefinition definition, ComputationGraph graph, Map<String, InputType> layerOutputTypes) {
        List<String> networkInputs = graph.getConfiguration().getNetworkInputs();
        if (networkInputs.size() != definition.inputs().size()) {
            throw new ModelLoadingException("the model has " + networkInputs.size() + " inputs " + networkInputs
                    + " but the configuration gives it " + definition.inputs()
                    + ": fix triplet, feature_names or order");
        }
        for (int i = 0; i < networkInputs.size(); i++) {
            ModelInput expected = definition.inputs().get(i);
            InputType type = layerOutputTypes.get(networkInputs.get(i));
            if (type == null) {
                continue;
            }
            boolean image = type instanceof InputType.InputTypeConvolutional;
            if (expected == ModelInput.TRIPLET && !image) {
                throw new ModelLoadingException("input " + (i + 1) + " (" + networkInputs.get(i) + ") is " + type
                        + " but order puts the triplet there: fix order");
            }
            if (expected == ModelInput.FEATURES && image) {
                throw new ModelLoadingException("input " + (i + 1) + " (" + networkInputs.get(i)
                        + ") is an image but order puts the features there: fix order");
            }
            if (expected == ModelInput.FEATURES
                    && type instanceof InputType.InputTypeFeedForward feedForward
                    && feedForward.getSize() != definition.featureNames().size()) {
                throw new ModelLoadingException("input " + networkInputs.get(i) + " takes " + feedForward.getSize()
                        + " features but feature_names lists "
                        + definition.featureNames().size());
            }
        }
    }
}
