package org.kowalski.common.ml;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.params.SeparableConvolutionParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes a network imported by DL4J as an ONNX model with the same weights, for {@link OnnxNetwork}.
 *
 * <p>Images run in ONNX's NCHW layout: an NHWC image input is transposed once at the start, and transposed
 * back before a flatten, so that dense layers see their inputs in the imported order (Keras flattens NHWC
 * images in (h, w, c) order). Dropout is the identity at inference and is left out.
 *
 * <p>Supported are the layers that image classifiers such as braai and acai are made of: plain and separable
 * (depth multiplier 1) 2D convolutions without "same" padding, max and average pooling, global pooling,
 * dense layers, dropout, the CNN-to-dense preprocessor and merge (concatenation) vertices, with the relu,
 * sigmoid, tanh or identity activation. Anything else raises {@link UnsupportedOperationException}, naming
 * the layer, and the caller runs the model with DL4J instead.
 */
final class OnnxExport {

    /** A value of the ONNX graph: an image in NCHW order, with the layout DL4J uses for it, or a matrix. */
    private record Value(String name, CNN2DFormat imageFormat) {

        boolean isImage() {
            return imageFormat != null;
        }
    }

    private final OnnxGraphBuilder graph = new OnnxGraphBuilder();
    private final String modelName;

    private OnnxExport(String modelName) {
        this.modelName = modelName;
    }

    /** Returns the ONNX model of a sequential network; its input is {@code input0}. */
    static byte[] export(String modelName, MultiLayerNetwork network) {
        OnnxExport export = new OnnxExport(modelName);
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        Value value = export.input(0, imageFormatOf(conf.getConf(0).getLayer()));
        for (int i = 0; i < network.getnLayers(); i++) {
            InputPreProcessor preProcessor = conf.getInputPreProcess(i);
            if (preProcessor != null) {
                value = export.preProcess(value, preProcessor, network.getLayer(i));
            }
            value = export.layer(network.getLayer(i), value);
        }
        export.graph.output(value.name(), 2);
        return export.graph.build(modelName);
    }

    /**
     * Returns the ONNX model of a graph network with one output; its inputs are {@code input0},
     * {@code input1}, ... in the order of the network's inputs.
     */
    static byte[] export(String modelName, ComputationGraph network) {
        OnnxExport export = new OnnxExport(modelName);
        ComputationGraphConfiguration conf = network.getConfiguration();
        if (conf.getNetworkOutputs().size() != 1) {
            throw new UnsupportedOperationException(
                    "model " + modelName + " has " + conf.getNetworkOutputs().size() + " outputs, not 1");
        }

        Map<String, Value> values = new HashMap<>();
        List<String> inputNames = conf.getNetworkInputs();
        for (int k = 0; k < inputNames.size(); k++) {
            values.put(inputNames.get(k), export.input(k, imageFormatOfConsumers(conf, inputNames.get(k))));
        }

        for (int index : network.topologicalSortOrder()) {
            String name = network.getVertices()[index].getVertexName();
            if (values.containsKey(name)) {
                continue;
            }
            List<Value> vertexInputs = new ArrayList<>();
            for (String input : conf.getVertexInputs().get(name)) {
                vertexInputs.add(values.get(input));
            }
            GraphVertex vertex = conf.getVertices().get(name);
            Value value;
            if (vertex instanceof LayerVertex layerVertex && vertexInputs.size() == 1) {
                value = vertexInputs.get(0);
                if (layerVertex.getPreProcessor() != null) {
                    value = export.preProcess(value, layerVertex.getPreProcessor(), network.getLayer(name));
                }
                value = export.layer(network.getLayer(name), value);
            } else if (vertex instanceof MergeVertex) {
                value = export.concatenate(vertexInputs);
            } else {
                throw new UnsupportedOperationException("vertex " + name + " of model " + modelName + " is a "
                        + vertex.getClass().getSimpleName() + ", which has no ONNX form here");
            }
            values.put(name, value);
        }
        export.graph.output(values.get(conf.getNetworkOutputs().get(0)).name(), 2);
        return export.graph.build(modelName);
    }

    private Value input(int index, CNN2DFormat imageFormat) {
        String name = "input" + index;
        if (imageFormat == null) {
            graph.input(name, 2);
            return new Value(name, null);
        }
        graph.input(name, 4);
        if (imageFormat == CNN2DFormat.NCHW) {
            return new Value(name, imageFormat);
        }
        String transposed = graph.newName("nchw");
        graph.node("Transpose", List.of(name), transposed)
                .attribute("perm", new long[] {0, 3, 1, 2})
                .add();
        return new Value(transposed, imageFormat);
    }

    private Value preProcess(Value value, InputPreProcessor preProcessor, org.deeplearning4j.nn.api.Layer layer) {
        if (!(preProcessor instanceof CnnToFeedForwardPreProcessor cnnToDense) || !value.isImage()) {
            throw unsupported(
                    layer, "its input preprocessor " + preProcessor.getClass().getSimpleName());
        }
        String flatInput = value.name();
        if (cnnToDense.getFormat() == CNN2DFormat.NHWC) {
            flatInput = graph.newName("nhwc");
            graph.node("Transpose", List.of(value.name()), flatInput)
                    .attribute("perm", new long[] {0, 2, 3, 1})
                    .add();
        }
        String flat = graph.newName("flat");
        graph.node("Flatten", List.of(flatInput), flat).attribute("axis", 1).add();
        return new Value(flat, null);
    }

    private Value layer(org.deeplearning4j.nn.api.Layer layer, Value value) {
        org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
        if (conf instanceof DropoutLayer) {
            return value;
        }
        if (conf instanceof SeparableConvolution2D separable) {
            return separableConvolution(layer, separable, requireImage(layer, value));
        }
        if (conf.getClass() == ConvolutionLayer.class || conf instanceof NativeConvolution) {
            return convolution(layer, (ConvolutionLayer) conf, requireImage(layer, value));
        }
        if (conf instanceof SubsamplingLayer pooling && conf.getClass() == SubsamplingLayer.class) {
            return pooling(layer, pooling, requireImage(layer, value));
        }
        if (conf instanceof GlobalPoolingLayer globalPooling) {
            return globalPooling(layer, globalPooling, requireImage(layer, value));
        }
        if (conf.getClass() == DenseLayer.class && !((DenseLayer) conf).isHasLayerNorm()) {
            return dense(layer, (DenseLayer) conf, value);
        }
        throw unsupported(layer, "its type " + conf.getClass().getSimpleName());
    }

    private Value convolution(org.deeplearning4j.nn.api.Layer layer, ConvolutionLayer conf, Value value) {
        long[] pads = explicitPadding(layer, conf.getConvolutionMode(), conf.getPadding());
        String weights = weights(layer, ConvolutionParamInitializer.WEIGHT_KEY, null);
        List<String> inputs = new ArrayList<>(List.of(value.name(), weights));
        if (conf.hasBias()) {
            inputs.add(weights(layer, ConvolutionParamInitializer.BIAS_KEY, new long[] {conf.getNOut()}));
        }
        String output = graph.newName(layer.conf().getLayer().getLayerName());
        graph.node("Conv", inputs, output)
                .attribute("kernel_shape", asLongs(conf.getKernelSize()))
                .attribute("strides", asLongs(conf.getStride()))
                .attribute("dilations", asLongs(conf.getDilation()))
                .attribute("pads", pads)
                .add();
        return activation(layer, conf.getActivationFn(), new Value(output, value.imageFormat()));
    }

    /** A separable convolution: a depthwise convolution (one group per channel), then a 1x1 convolution. */
    private Value separableConvolution(
            org.deeplearning4j.nn.api.Layer layer, SeparableConvolution2D conf, Value value) {
        if (conf.getDepthMultiplier() != 1) {
            throw unsupported(layer, "its depth multiplier " + conf.getDepthMultiplier());
        }
        long[] pads = explicitPadding(layer, conf.getConvolutionMode(), conf.getPadding());
        long channels = conf.getNIn();
        int[] kernel = conf.getKernelSize();
        // DL4J's depthwise kernel is [1, cIn, kH, kW]; ONNX's grouped convolution needs [cIn, 1, kH, kW].
        String depthwiseWeights =
                weights(layer, SeparableConvolutionParamInitializer.DEPTH_WISE_WEIGHT_KEY, new long[] {
                    channels, 1, kernel[0], kernel[1]
                });
        String depthwise = graph.newName(conf.getLayerName() + "_depthwise");
        graph.node("Conv", List.of(value.name(), depthwiseWeights), depthwise)
                .attribute("group", channels)
                .attribute("kernel_shape", asLongs(kernel))
                .attribute("strides", asLongs(conf.getStride()))
                .attribute("dilations", asLongs(conf.getDilation()))
                .attribute("pads", pads)
                .add();

        List<String> inputs = new ArrayList<>(
                List.of(depthwise, weights(layer, SeparableConvolutionParamInitializer.POINT_WISE_WEIGHT_KEY, null)));
        if (conf.hasBias()) {
            inputs.add(weights(layer, SeparableConvolutionParamInitializer.BIAS_KEY, new long[] {conf.getNOut()}));
        }
        String output = graph.newName(conf.getLayerName());
        graph.node("Conv", inputs, output)
                .attribute("kernel_shape", new long[] {1, 1})
                .add();
        return activation(layer, conf.getActivationFn(), new Value(output, value.imageFormat()));
    }

    private Value pooling(org.deeplearning4j.nn.api.Layer layer, SubsamplingLayer conf, Value value) {
        long[] pads = explicitPadding(layer, conf.getConvolutionMode(), conf.getPadding());
        if (conf.getDilation()[0] != 1 || conf.getDilation()[1] != 1) {
            throw unsupported(layer, "its dilation " + java.util.Arrays.toString(conf.getDilation()));
        }
        String output = graph.newName(conf.getLayerName());
        OnnxGraphBuilder.Node node;
        if (conf.getPoolingType() == PoolingType.MAX) {
            node = graph.node("MaxPool", List.of(value.name()), output);
        } else if (conf.getPoolingType() == PoolingType.AVG) {
            node = graph.node("AveragePool", List.of(value.name()), output)
                    .attribute("count_include_pad", conf.isAvgPoolIncludePadInDivisor() ? 1 : 0);
        } else {
            throw unsupported(layer, "its pooling type " + conf.getPoolingType());
        }
        node.attribute("kernel_shape", asLongs(conf.getKernelSize()))
                .attribute("strides", asLongs(conf.getStride()))
                .attribute("pads", pads)
                .add();
        return new Value(output, value.imageFormat());
    }

    private Value globalPooling(org.deeplearning4j.nn.api.Layer layer, GlobalPoolingLayer conf, Value value) {
        int[] spatial = value.imageFormat() == CNN2DFormat.NHWC ? new int[] {1, 2} : new int[] {2, 3};
        boolean spatialOnly =
                conf.getPoolingDimensions() == null || java.util.Arrays.equals(conf.getPoolingDimensions(), spatial);
        if (!conf.isCollapseDimensions() || !spatialOnly) {
            throw unsupported(
                    layer, "its pooling dimensions " + java.util.Arrays.toString(conf.getPoolingDimensions()));
        }
        String opType;
        if (conf.getPoolingType() == PoolingType.AVG) {
            opType = "GlobalAveragePool";
        } else if (conf.getPoolingType() == PoolingType.MAX) {
            opType = "GlobalMaxPool";
        } else {
            throw unsupported(layer, "its pooling type " + conf.getPoolingType());
        }
        String pooled = graph.newName(conf.getLayerName());
        graph.node(opType, List.of(value.name()), pooled).add();
        String flat = graph.newName(conf.getLayerName() + "_flat");
        graph.node("Flatten", List.of(pooled), flat).attribute("axis", 1).add();
        return new Value(flat, null);
    }

    private Value dense(org.deeplearning4j.nn.api.Layer layer, DenseLayer conf, Value value) {
        if (value.isImage()) {
            throw unsupported(layer, "an image input without a flatten before it");
        }
        List<String> inputs =
                new ArrayList<>(List.of(value.name(), weights(layer, DefaultParamInitializer.WEIGHT_KEY, null)));
        if (conf.hasBias()) {
            inputs.add(weights(layer, DefaultParamInitializer.BIAS_KEY, new long[] {conf.getNOut()}));
        }
        String output = graph.newName(conf.getLayerName());
        graph.node("Gemm", inputs, output).add();
        return activation(layer, conf.getActivationFn(), new Value(output, null));
    }

    private Value concatenate(List<Value> inputs) {
        CNN2DFormat format = inputs.get(0).imageFormat();
        for (Value input : inputs) {
            if (input.imageFormat() != format) {
                throw new UnsupportedOperationException(
                        "model " + modelName + " concatenates images with matrices or images of different layouts");
            }
        }
        String output = graph.newName("concat");
        // Axis 1 is the channel axis of NCHW images and the feature axis of matrices, where DL4J merges both.
        graph.node("Concat", inputs.stream().map(Value::name).toList(), output)
                .attribute("axis", 1)
                .add();
        return new Value(output, format);
    }

    private Value activation(org.deeplearning4j.nn.api.Layer layer, IActivation activation, Value value) {
        String opType;
        if (activation instanceof ActivationIdentity) {
            return value;
        } else if (activation instanceof ActivationReLU relu && isPlain(relu)) {
            opType = "Relu";
        } else if (activation instanceof ActivationSigmoid) {
            opType = "Sigmoid";
        } else if (activation instanceof ActivationTanH) {
            opType = "Tanh";
        } else {
            throw unsupported(layer, "its activation " + activation);
        }
        String output = graph.newName(opType.toLowerCase(java.util.Locale.ROOT));
        graph.node(opType, List.of(value.name()), output).add();
        return new Value(output, value.imageFormat());
    }

    /** Returns whether a ReLU has no upper limit, no threshold other than 0 and no slope below it. */
    private static boolean isPlain(ActivationReLU relu) {
        boolean noMax = relu.getMax() == null;
        boolean zeroThreshold = relu.getThreshold() == null || relu.getThreshold() == 0.0;
        boolean noSlope = relu.getNegativeSlope() == null || relu.getNegativeSlope() == 0.0;
        return noMax && zeroThreshold && noSlope;
    }

    /** Adds a layer parameter as a weight tensor, reshaped to {@code shape} unless it is null. */
    private String weights(org.deeplearning4j.nn.api.Layer layer, String key, long[] shape) {
        INDArray parameter = layer.getParam(key);
        if (parameter == null) {
            throw unsupported(layer, "its missing parameter " + key);
        }
        float[] values = Nd4j.toFlattened('c', parameter.castTo(DataType.FLOAT)).toFloatVector();
        String name = graph.newName(layer.conf().getLayer().getLayerName() + "_" + key);
        graph.weights(name, shape != null ? shape : parameter.shape(), values);
        return name;
    }

    private long[] explicitPadding(org.deeplearning4j.nn.api.Layer layer, ConvolutionMode mode, int[] padding) {
        if (mode == ConvolutionMode.Same || mode == ConvolutionMode.Causal) {
            throw unsupported(layer, "its convolution mode " + mode);
        }
        return new long[] {padding[0], padding[1], padding[0], padding[1]};
    }

    private Value requireImage(org.deeplearning4j.nn.api.Layer layer, Value value) {
        if (!value.isImage()) {
            throw unsupported(layer, "an input that is not an image");
        }
        return value;
    }

    private UnsupportedOperationException unsupported(org.deeplearning4j.nn.api.Layer layer, String feature) {
        return new UnsupportedOperationException(
                "layer " + layer.conf().getLayer().getLayerName() + " of model " + modelName + " has " + feature
                        + ", which has no ONNX form here");
    }

    private static long[] asLongs(int[] values) {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = values[i];
        }
        return longs;
    }

    /** Returns the image layout of a layer that takes images, or null for a layer that takes matrices. */
    private static CNN2DFormat imageFormatOf(org.deeplearning4j.nn.conf.layers.Layer layer) {
        if (layer instanceof ConvolutionLayer convolution) {
            return convolution.getCnn2dDataFormat();
        }
        if (layer instanceof SubsamplingLayer pooling) {
            return pooling.getCnn2dDataFormat();
        }
        return null;
    }

    /** Returns the image layout of the layers that read a graph input, or null when they take matrices. */
    private static CNN2DFormat imageFormatOfConsumers(ComputationGraphConfiguration conf, String input) {
        CNN2DFormat format = null;
        for (Map.Entry<String, List<String>> entry : conf.getVertexInputs().entrySet()) {
            if (entry.getValue().contains(input)
                    && conf.getVertices().get(entry.getKey()) instanceof LayerVertex layerVertex) {
                CNN2DFormat consumerFormat =
                        imageFormatOf(layerVertex.getLayerConf().getLayer());
                if (consumerFormat != null) {
                    format = consumerFormat;
                }
            }
        }
        return format;
    }
}
