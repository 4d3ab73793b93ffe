package org.kowalski.common.ml;

import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model imported from Keras, ready for inference: a DL4J {@link MultiLayerNetwork} for a {@code Sequential}
 * model or a {@link ComputationGraph} for a functional one, or the same network run by ONNX Runtime.
 *
 * <p>Instances run by DL4J are not thread-safe, because DL4J networks keep per-call state in their layers.
 * Instances run by ONNX Runtime are ({@link #isThreadSafe()}).
 */
final class LoadedModel {

    private final ModelDefinition definition;
    private final MultiLayerNetwork sequential;
    private final ComputationGraph graph;
    private final OnnxNetwork onnx;

    private LoadedModel(
            ModelDefinition definition, MultiLayerNetwork sequential, ComputationGraph graph, OnnxNetwork onnx) {
        this.definition = definition;
        this.sequential = sequential;
        this.graph = graph;
        this.onnx = onnx;
    }

    static LoadedModel of(ModelDefinition definition, MultiLayerNetwork network) {
        return new LoadedModel(definition, network, null, null);
    }

    static LoadedModel of(ModelDefinition definition, ComputationGraph graph) {
        return new LoadedModel(definition, null, graph, null);
    }

    /**
     * Returns this model run by ONNX Runtime, from the ONNX form of its network.
     *
     * @throws UnsupportedOperationException when a layer has no ONNX form, naming it
     * @throws ai.onnxruntime.OrtException when ONNX Runtime rejects the model
     */
    LoadedModel onOnnxRuntime() throws ai.onnxruntime.OrtException {
        requireNetwork();
        byte[] model = sequential != null
                ? OnnxExport.export(definition.name(), sequential)
                : OnnxExport.export(definition.name(), graph);
        return new LoadedModel(
                definition,
                null,
                null,
                OnnxNetwork.load(model, definition.inputs().size()));
    }

    /** Returns whether several threads may run this model at once. */
    boolean isThreadSafe() {
        return onnx != null;
    }

    /** Returns the engine that runs this model, for logs: {@code onnxruntime} or {@code dl4j}. */
    String engine() {
        return onnx != null ? "onnxruntime" : "dl4j";
    }

    private void requireNetwork() {
        if (onnx != null) {
            throw new IllegalStateException("model " + definition.name() + " runs on ONNX Runtime and has no DL4J"
                    + " network: use the model imported from Keras");
        }
    }

    /** Sets the DL4J workspace mode used by {@link #output}, for the benchmark's comparisons. */
    void setInferenceWorkspaceMode(WorkspaceMode mode) {
        requireNetwork();
        if (sequential != null) {
            sequential.getLayerWiseConfigurations().setInferenceWorkspaceMode(mode);
        } else {
            graph.getConfiguration().setInferenceWorkspaceMode(mode);
        }
    }

    /**
     * Returns this model with its convolutions rebuilt for faster CPU inference, as {@link InferenceNetworks}
     * describes. The scores stay the same within float32 rounding.
     */
    LoadedModel rebuiltForInference() {
        return rebuiltForInference(InferenceNetworks.SeparableMode.JAVA_DEPTHWISE);
    }

    /** Returns this model rebuilt as {@link #rebuiltForInference()} does, with a choice for separable layers. */
    LoadedModel rebuiltForInference(InferenceNetworks.SeparableMode separableMode) {
        requireNetwork();
        if (sequential != null) {
            return of(definition, InferenceNetworks.rebuild(sequential));
        }
        return of(definition, InferenceNetworks.rebuild(graph, separableMode));
    }

    /**
     * Returns a copy with its own network: the same configuration and a copy of the parameters. A thread-safe
     * model is its own copy.
     */
    LoadedModel copy() {
        if (isThreadSafe()) {
            return this;
        }
        // Not clone(): in DL4J 1.0.0-M2.1 it also copies the updater, which imported networks lack, and fails.
        if (sequential != null) {
            MultiLayerNetwork copy = new MultiLayerNetwork(
                    sequential.getLayerWiseConfigurations().clone());
            copy.init(sequential.params().dup(), false);
            return of(definition, copy);
        }
        ComputationGraph copy = new ComputationGraph(graph.getConfiguration().clone());
        copy.init(graph.params().dup(), false);
        return of(definition, copy);
    }

    /** Returns the network's layers, for tests in this package. */
    org.deeplearning4j.nn.api.Layer[] layers() {
        requireNetwork();
        return sequential != null ? sequential.getLayers() : graph.getLayers();
    }

    ModelDefinition definition() {
        return definition;
    }

    /**
     * Runs inference (dropout off) on a batch.
     *
     * @param data one array per model input, in {@link ModelDefinition#inputs()} order, each holding the batch
     *     in row-major order
     * @param shapes the shape of each input, batch first
     * @return the output of each batch row (these classifiers have one)
     */
    float[] predict(float[][] data, long[][] shapes) {
        if (onnx != null) {
            return onnx.predict(data, shapes);
        }
        INDArray[] inputs = new INDArray[data.length];
        for (int k = 0; k < data.length; k++) {
            inputs[k] = Nd4j.create(data[k], shapes[k], 'c');
        }
        INDArray output = sequential != null ? sequential.output(inputs[0], false) : graph.outputSingle(false, inputs);
        float[] scores = new float[(int) shapes[0][0]];
        for (int row = 0; row < scores.length; row++) {
            scores[row] = output.getFloat(row, 0);
        }
        return scores;
    }
}
