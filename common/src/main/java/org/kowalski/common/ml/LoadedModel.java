package org.kowalski.common.ml;

import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model imported from Keras, ready for inference: a {@link MultiLayerNetwork} for a {@code Sequential}
 * model or a {@link ComputationGraph} for a functional one.
 *
 * <p>Instances are not thread-safe, because DL4J networks keep per-call state in their layers.
 */
final class LoadedModel {

    private final ModelDefinition definition;
    private final MultiLayerNetwork sequential;
    private final ComputationGraph graph;

    private LoadedModel(ModelDefinition definition, MultiLayerNetwork sequential, ComputationGraph graph) {
        this.definition = definition;
        this.sequential = sequential;
        this.graph = graph;
    }

    static LoadedModel of(ModelDefinition definition, MultiLayerNetwork network) {
        return new LoadedModel(definition, network, null);
    }

    static LoadedModel of(ModelDefinition definition, ComputationGraph graph) {
        return new LoadedModel(definition, null, graph);
    }

    /** Sets the DL4J workspace mode used by {@link #output}, for the benchmark's comparisons. */
    void setInferenceWorkspaceMode(WorkspaceMode mode) {
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
        if (sequential != null) {
            return of(definition, InferenceNetworks.rebuild(sequential));
        }
        return of(definition, InferenceNetworks.rebuild(graph, separableMode));
    }

    /** Returns a copy with its own network: the same configuration and a copy of the parameters. */
    LoadedModel copy() {
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
        return sequential != null ? sequential.getLayers() : graph.getLayers();
    }

    ModelDefinition definition() {
        return definition;
    }

    /**
     * Runs inference (dropout off) on a batch.
     *
     * @param inputs one array per model input, in {@link ModelDefinition#inputs()} order, batch first
     * @return the outputs, shape [batch, 1] for these classifiers
     */
    INDArray output(INDArray... inputs) {
        if (sequential != null) {
            return sequential.output(inputs[0], false);
        }
        return graph.outputSingle(false, inputs);
    }
}
