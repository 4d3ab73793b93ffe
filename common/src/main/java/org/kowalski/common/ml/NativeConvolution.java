package org.kowalski.common.ml;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A DL4J {@link ConvolutionLayer} whose inference runs the native {@code conv2d} op of ND4J in one call.
 *
 * <p>DL4J 1.0.0-M2.1's own {@code ConvolutionLayer} permutes NHWC input to NCHW, runs im2col and a matrix
 * product as separate calls and permutes the result back. On a 2-vCPU AMD EPYC with OpenBLAS, braai's second
 * convolution (61x61x16 to 59x59x16, batch 1) took about 20 ms of CPU that way and about 3 ms through the
 * native op.
 * Training and backpropagation still use DL4J's own code, and the parameters keep DL4J's layout ({@code W} as
 * [cOut, cIn, kH, kW], {@code b} as [1, cOut]), so a network can switch to this layer by copying its
 * parameters unchanged.
 */
final class NativeConvolution extends ConvolutionLayer {

    /** Creates the configuration of {@code source} with the native inference path. */
    NativeConvolution(ConvolutionLayer source) {
        super(new ConvolutionLayer.Builder()
                .kernelSize(source.getKernelSize())
                .stride(source.getStride())
                .padding(source.getPadding())
                .dilation(source.getDilation())
                .convolutionMode(source.getConvolutionMode())
                .dataFormat(source.getCnn2dDataFormat())
                .nIn(source.getNIn())
                .nOut(source.getNOut())
                .hasBias(source.hasBias())
                .activation(source.getActivationFn())
                .weightInit(source.getWeightInitFn())
                .name(source.getLayerName()));
    }

    /** Returns whether the native op computes the same as DL4J for this configuration. */
    static boolean supports(ConvolutionLayer layer) {
        ConvolutionMode mode = layer.getConvolutionMode();
        return layer.getClass() == ConvolutionLayer.class
                && (mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict);
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        Implementation layer = new Implementation(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    /** The layer implementation: DL4J's, except for the inference forward pass. */
    static final class Implementation extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {

        Implementation(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        protected Pair<INDArray, INDArray> preOutput(
                boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
            if (training || forBackprop) {
                return super.preOutput(training, forBackprop, workspaceMgr);
            }
            validateInputRank();
            ConvolutionLayer conf = layerConf();
            CNN2DFormat format = conf.getCnn2dDataFormat();
            int[] kernel = conf.getKernelSize();
            int[] stride = conf.getStride();
            int[] padding = conf.getPadding();
            int[] dilation = conf.getDilation();
            int[] outSize = ConvolutionUtils.getOutputSize(
                    input, kernel, stride, padding, conf.getConvolutionMode(), dilation, format);

            long batch = input.size(0);
            long channels = conf.getNOut();
            long[] shape = format == CNN2DFormat.NHWC
                    ? new long[] {batch, outSize[0], outSize[1], channels}
                    : new long[] {batch, channels, outSize[0], outSize[1]};
            INDArray output = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, shape, 'c');

            Conv2DConfig config = Conv2DConfig.builder()
                    .kH(kernel[0])
                    .kW(kernel[1])
                    .sH(stride[0])
                    .sW(stride[1])
                    .pH(padding[0])
                    .pW(padding[1])
                    .dH(dilation[0])
                    .dW(dilation[1])
                    .paddingMode(PaddingMode.VALID)
                    .dataFormat(format.name())
                    .weightsFormat(WeightsFormat.OIYX)
                    .build();
            INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
            INDArray[] inputs = conf.hasBias()
                    ? new INDArray[] {
                        input,
                        weights,
                        getParam(ConvolutionParamInitializer.BIAS_KEY).reshape(channels)
                    }
                    : new INDArray[] {input, weights};
            Nd4j.exec(new Conv2D(inputs, new INDArray[] {output}, config));
            return new Pair<>(output, null);
        }
    }
}
