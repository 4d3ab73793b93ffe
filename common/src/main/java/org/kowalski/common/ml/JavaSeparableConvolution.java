package org.kowalski.common.ml;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.params.SeparableConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A DL4J {@link SeparableConvolution2D} whose inference computes the depthwise step in plain Java and the
 * pointwise step as one ND4J matrix product.
 *
 * <p>DL4J 1.0.0-M2.1 runs separable convolutions through libnd4j's {@code sconv2d} op, whose depthwise step
 * ran at about 0.2 GFLOP/s on a 2-vCPU AMD EPYC. Here the depthwise step loops over NHWC rows with the
 * channels innermost: for stride 1, one kernel tap reads a contiguous run of {@code outputWidth * channels}
 * floats, a loop the JIT compiler vectorises. The layer handles depth multiplier 1, stride 1, any dilation
 * and the explicit zero padding of {@link ConvolutionMode#Truncate} and {@link ConvolutionMode#Strict}, which
 * is how DL4J imports Keras {@code padding="valid"}. Training and backpropagation use DL4J's own code, and the
 * parameters keep DL4J's layout (depthwise {@code W} as [1, cIn, kH, kW], pointwise {@code pW} as
 * [cOut, cIn, 1, 1], {@code b} as [1, cOut]), so a network switches to this layer by copying its parameters.
 */
final class JavaSeparableConvolution extends SeparableConvolution2D {

    /** Creates the configuration of {@code source} with the Java inference path. */
    JavaSeparableConvolution(SeparableConvolution2D source) {
        super(new SeparableConvolution2D.Builder()
                .kernelSize(source.getKernelSize())
                .stride(source.getStride())
                .padding(source.getPadding())
                .dilation(source.getDilation())
                .convolutionMode(source.getConvolutionMode())
                .dataFormat(source.getCnn2dDataFormat())
                .depthMultiplier(source.getDepthMultiplier())
                .nIn(source.getNIn())
                .nOut(source.getNOut())
                .hasBias(source.hasBias())
                .activation(source.getActivationFn())
                .weightInit(source.getWeightInitFn())
                .name(source.getLayerName()));
    }

    /** Returns whether the Java forward pass computes the same as DL4J for this configuration. */
    static boolean supports(SeparableConvolution2D layer) {
        ConvolutionMode mode = layer.getConvolutionMode();
        int[] stride = layer.getStride();
        return layer.getClass() == SeparableConvolution2D.class
                && layer.getDepthMultiplier() == 1
                && layer.getCnn2dDataFormat() == CNN2DFormat.NHWC
                && stride[0] == 1
                && stride[1] == 1
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
    static final class Implementation extends org.deeplearning4j.nn.layers.convolution.SeparableConvolution2DLayer {

        Implementation(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        protected Pair<INDArray, INDArray> preOutput(
                boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
            if (training || forBackprop || input.dataType() != DataType.FLOAT || input.rank() != 4) {
                return super.preOutput(training, forBackprop, workspaceMgr);
            }
            SeparableConvolution2D conf = (SeparableConvolution2D) layerConf();
            int[] kernel = conf.getKernelSize();
            int[] padding = conf.getPadding();
            int[] dilation = conf.getDilation();
            int[] outSize = ConvolutionUtils.getOutputSize(
                    input, kernel, conf.getStride(), padding, conf.getConvolutionMode(), dilation, CNN2DFormat.NHWC);

            int batch = (int) input.size(0);
            int channelsIn = (int) input.size(3);
            int channelsOut = (int) conf.getNOut();
            if (channelsIn != conf.getNIn()) {
                throw new IllegalArgumentException("Layer " + conf.getLayerName() + " expects NHWC input with "
                        + conf.getNIn() + " channels, got shape " + java.util.Arrays.toString(input.shape()));
            }
            DepthwiseGeometry geometry = new DepthwiseGeometry(
                    batch,
                    (int) input.size(1),
                    (int) input.size(2),
                    channelsIn,
                    outSize[0],
                    outSize[1],
                    kernel[0],
                    kernel[1],
                    dilation[0],
                    dilation[1],
                    padding[0],
                    padding[1]);

            float[] depthwiseKernel =
                    depthwiseKernelHwc(getParam(SeparableConvolutionParamInitializer.DEPTH_WISE_WEIGHT_KEY), geometry);
            float[] depthwiseOutput = depthwise(floats(input), depthwiseKernel, geometry);

            // Pointwise step: [pixels, cIn] times the transposed [cOut, cIn] kernel, into the NHWC output.
            long pixels = (long) batch * outSize[0] * outSize[1];
            INDArray depthwiseArray = workspaceMgr.createUninitialized(
                    ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {pixels, channelsIn}, 'c');
            depthwiseArray.data().setData(depthwiseOutput);
            INDArray output = workspaceMgr.createUninitialized(
                    ArrayType.ACTIVATIONS,
                    DataType.FLOAT,
                    new long[] {batch, outSize[0], outSize[1], channelsOut},
                    'c');
            INDArray pointwise = getParam(SeparableConvolutionParamInitializer.POINT_WISE_WEIGHT_KEY)
                    .reshape(channelsOut, channelsIn);
            INDArray outputMatrix = output.reshape('c', pixels, channelsOut);
            Nd4j.gemm(depthwiseArray, pointwise, outputMatrix, false, true, 1.0, 0.0);
            if (conf.hasBias()) {
                outputMatrix.addiRowVector(
                        getParam(SeparableConvolutionParamInitializer.BIAS_KEY).reshape(channelsOut));
            }
            return new Pair<>(output, null);
        }
    }

    /** Sizes of one depthwise convolution with stride 1, NHWC. */
    record DepthwiseGeometry(
            int batch,
            int height,
            int width,
            int channels,
            int outHeight,
            int outWidth,
            int kernelHeight,
            int kernelWidth,
            int dilationHeight,
            int dilationWidth,
            int padTop,
            int padLeft) {}

    /**
     * Returns the depthwise kernel [1, c, kH, kW] rearranged for {@link #depthwise}: one run of
     * {@code outWidth * channels} floats per kernel tap (ky, kx), the tap's channel weights repeated for each
     * output column, so that the inner loop multiplies two arrays element by element.
     */
    static float[] depthwiseKernelHwc(INDArray depthwiseParam, DepthwiseGeometry g) {
        float[] kernel = floats(depthwiseParam);
        int run = g.outWidth() * g.channels();
        int taps = g.kernelHeight() * g.kernelWidth();
        float[] tiled = new float[taps * run];
        for (int c = 0; c < g.channels(); c++) {
            for (int tap = 0; tap < taps; tap++) {
                float weight = kernel[c * taps + tap];
                for (int x = 0; x < g.outWidth(); x++) {
                    tiled[tap * run + x * g.channels() + c] = weight;
                }
            }
        }
        return tiled;
    }

    /**
     * Computes the depthwise convolution (stride 1, depth multiplier 1) of an NHWC input with zero padding,
     * returning the NHWC output [batch, outHeight, outWidth, channels] as one array.
     */
    static float[] depthwise(float[] input, float[] tiledKernel, DepthwiseGeometry g) {
        int channels = g.channels();
        int run = g.outWidth() * channels;
        float[] output = new float[g.batch() * g.outHeight() * run];
        for (int b = 0; b < g.batch(); b++) {
            for (int y = 0; y < g.outHeight(); y++) {
                int outStart = (b * g.outHeight() + y) * run;
                for (int ky = 0; ky < g.kernelHeight(); ky++) {
                    int inY = y + ky * g.dilationHeight() - g.padTop();
                    if (inY < 0 || inY >= g.height()) {
                        continue;
                    }
                    int inRowStart = (b * g.height() + inY) * g.width() * channels;
                    for (int kx = 0; kx < g.kernelWidth(); kx++) {
                        // Input column of output column 0 for this tap. Output columns whose input column
                        // falls into the padding add nothing, which is zero padding.
                        int inX0 = kx * g.dilationWidth() - g.padLeft();
                        int firstX = Math.max(0, -inX0);
                        int endX = Math.min(g.outWidth(), g.width() - inX0);
                        if (firstX >= endX) {
                            continue;
                        }
                        int kernelStart = (ky * g.kernelWidth() + kx) * run;
                        int from = firstX * channels;
                        int to = endX * channels;
                        int inShift = inRowStart + inX0 * channels;
                        accumulate(output, outStart, input, inShift, tiledKernel, kernelStart, from, to);
                    }
                }
            }
        }
        return output;
    }

    /** Adds {@code input[inShift + i] * kernel[kernelStart + i]} to {@code output[outStart + i]} for i in [from, to). */
    private static void accumulate(
            float[] output,
            int outStart,
            float[] input,
            int inShift,
            float[] kernel,
            int kernelStart,
            int from,
            int to) {
        for (int i = from; i < to; i++) {
            output[outStart + i] += input[inShift + i] * kernel[kernelStart + i];
        }
    }

    /** Returns the elements of a float array in C order. */
    private static float[] floats(INDArray array) {
        // A fresh copy owns a buffer of exactly its length, unlike a view, whose buffer is its parent's.
        float[] values = array.dup('c').data().asFloat();
        if (values.length != array.length()) {
            throw new IllegalStateException(
                    "Failed to copy an array of " + array.length() + " floats: got " + values.length);
        }
        return values;
    }
}
