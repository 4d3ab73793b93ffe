package org.kowalski.common.ml;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.params.SeparableConvolutionParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rebuilds imported networks for faster CPU inference with the same results: every plain convolution becomes a
 * {@link NativeConvolution}, and every separable convolution with depth multiplier 1 becomes a
 * {@link JavaSeparableConvolution} (stride 1, NHWC, explicit padding) or else one {@link NativeConvolution}
 * whose kernel is the product of the depthwise and pointwise kernels.
 *
 * <p>DL4J 1.0.0-M2.1 runs separable convolutions through the native {@code sconv2d} op, whose depthwise step
 * is slow (about 80% of the acai models' CPU time). Split into a {@code DepthwiseConvolution2D} and a 1x1
 * {@code ConvolutionLayer}, they were slower still, because the depthwise op stays. A separable convolution
 * with no activation between its two steps is the convolution with kernel
 * {@code W[o][i][y][x] = pointwise[o][i] * depthwise[i][y][x]}. That merged form costs six to seven times the
 * multiplications of the acai models' separable layers, but runs as one native convolution, so it is the
 * fallback where the Java depthwise step does not apply.
 */
final class InferenceNetworks {

    private InferenceNetworks() {}

    /** Replacement for separable convolutions in {@link #rebuild(ComputationGraph, SeparableMode)}. */
    enum SeparableMode {
        /** A {@link JavaSeparableConvolution} where it applies, else the merged convolution. */
        JAVA_DEPTHWISE,
        /** Always the merged {@link NativeConvolution}, for comparisons. */
        MERGED
    }

    /** Returns a copy of {@code imported} with native convolutions, or {@code imported} when it has none. */
    static MultiLayerNetwork rebuild(MultiLayerNetwork imported) {
        MultiLayerConfiguration conf = imported.getLayerWiseConfigurations().clone();
        boolean changed = false;
        for (NeuralNetConfiguration layerConf : conf.getConfs()) {
            if (layerConf.getLayer() instanceof ConvolutionLayer convolution
                    && NativeConvolution.supports(convolution)) {
                layerConf.setLayer(new NativeConvolution(convolution));
                changed = true;
            }
        }
        if (!changed) {
            return imported;
        }
        MultiLayerNetwork rebuilt = new MultiLayerNetwork(conf);
        rebuilt.init(imported.params().dup(), false);
        return rebuilt;
    }

    /** Returns a copy of {@code imported} with faster convolutions, or {@code imported} when it has none. */
    static ComputationGraph rebuild(ComputationGraph imported) {
        return rebuild(imported, SeparableMode.JAVA_DEPTHWISE);
    }

    /** Returns a copy of {@code imported} with faster convolutions, or {@code imported} when it has none. */
    static ComputationGraph rebuild(ComputationGraph imported, SeparableMode separableMode) {
        ComputationGraphConfiguration conf = imported.getConfiguration().clone();
        boolean changed = false;
        for (GraphVertex vertex : conf.getVertices().values()) {
            if (!(vertex instanceof LayerVertex layerVertex)) {
                continue;
            }
            NeuralNetConfiguration layerConf = layerVertex.getLayerConf();
            if (layerConf.getLayer() instanceof SeparableConvolution2D separable) {
                if (separableMode == SeparableMode.JAVA_DEPTHWISE && JavaSeparableConvolution.supports(separable)) {
                    layerConf.setLayer(new JavaSeparableConvolution(separable));
                    changed = true;
                } else if (separable.getDepthMultiplier() == 1
                        && NativeConvolution.supports(asConvolution(separable))) {
                    layerConf.setLayer(new NativeConvolution(asConvolution(separable)));
                    changed = true;
                }
            } else if (layerConf.getLayer() instanceof ConvolutionLayer convolution
                    && NativeConvolution.supports(convolution)) {
                layerConf.setLayer(new NativeConvolution(convolution));
                changed = true;
            }
        }
        if (!changed) {
            return imported;
        }

        ComputationGraph rebuilt = new ComputationGraph(conf);
        rebuilt.init();
        for (org.deeplearning4j.nn.api.Layer layer : imported.getLayers()) {
            org.deeplearning4j.nn.api.Layer target =
                    rebuilt.getLayer(layer.conf().getLayer().getLayerName());
            if (layer.conf().getLayer() instanceof SeparableConvolution2D
                    && target.conf().getLayer() instanceof NativeConvolution) {
                target.getParam(ConvolutionParamInitializer.WEIGHT_KEY).assign(mergedKernel(layer));
                INDArray bias = layer.getParam(SeparableConvolutionParamInitializer.BIAS_KEY);
                if (bias != null) {
                    INDArray targetBias = target.getParam(ConvolutionParamInitializer.BIAS_KEY);
                    targetBias.assign(bias.reshape(targetBias.shape()));
                }
            } else if (layer.conf().getLayer() instanceof SeparableConvolution2D) {
                // By name: setParams(INDArray) splits the flat vector in another order than the layer stores it.
                layer.paramTable().forEach((key, value) -> target.getParam(key).assign(value));
            } else if (layer.numParams() > 0) {
                target.setParams(layer.params());
            }
        }
        return rebuilt;
    }

    /** Returns a plain convolution with the separable one's geometry, channels and activation. */
    private static ConvolutionLayer asConvolution(SeparableConvolution2D separable) {
        return new ConvolutionLayer.Builder()
                .kernelSize(separable.getKernelSize())
                .stride(separable.getStride())
                .padding(separable.getPadding())
                .dilation(separable.getDilation())
                .convolutionMode(separable.getConvolutionMode())
                .dataFormat(separable.getCnn2dDataFormat())
                .nIn(separable.getNIn())
                .nOut(separable.getNOut())
                .hasBias(separable.hasBias())
                .activation(separable.getActivationFn())
                .weightInit(separable.getWeightInitFn())
                .name(separable.getLayerName())
                .build();
    }

    /**
     * Returns the kernel [cOut, cIn, kH, kW] of the convolution equal to a separable one with depth multiplier 1,
     * whose depthwise kernel is [1, cIn, kH, kW] and pointwise kernel [cOut, cIn, 1, 1].
     */
    static INDArray mergedKernel(org.deeplearning4j.nn.api.Layer separable) {
        INDArray depthwise = separable.getParam(SeparableConvolutionParamInitializer.DEPTH_WISE_WEIGHT_KEY);
        INDArray pointwise = separable.getParam(SeparableConvolutionParamInitializer.POINT_WISE_WEIGHT_KEY);
        long channelsIn = depthwise.size(1);
        long channelsOut = pointwise.size(0);
        long kernelHeight = depthwise.size(2);
        long kernelWidth = depthwise.size(3);
        // [1, cIn, kH, kW] times [cOut, cIn, 1, 1], broadcast to [cOut, cIn, kH, kW].
        INDArray depthwiseBroadcast = depthwise
                .reshape(1, channelsIn, kernelHeight, kernelWidth)
                .broadcast(channelsOut, channelsIn, kernelHeight, kernelWidth);
        INDArray pointwiseBroadcast = pointwise
                .reshape(channelsOut, channelsIn, 1, 1)
                .broadcast(channelsOut, channelsIn, kernelHeight, kernelWidth);
        return depthwiseBroadcast.mul(pointwiseBroadcast).castTo(DataType.FLOAT);
    }
}
