package org.kowalski.common.ml;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model run by ONNX Runtime on the CPU, from the ONNX form that {@link OnnxExport} writes of a network
 * imported by DL4J.
 *
 * <p>ONNX Runtime's convolutions ran the six ZTF models several times faster than ND4J's on the same machine
 * (see docs/ml-benchmark.md). One session may run on several threads at once, so, unlike a DL4J network, an
 * instance needs no copies per thread. Each run uses one thread: the broker scores on its consumer threads,
 * and these models are too small to gain from splitting one batch across cores.
 */
final class OnnxNetwork implements AutoCloseable {

    /** Stack size of the thread that loads the native library and creates sessions. */
    private static final long LOADER_STACK_BYTES = 64L << 20;

    private final OrtSession session;
    private final int inputCount;

    private OnnxNetwork(OrtSession session, int inputCount) {
        this.session = session;
        this.inputCount = inputCount;
    }

    /**
     * Loads an ONNX model into a new session.
     *
     * @throws OrtException when ONNX Runtime rejects the model
     */
    static OnnxNetwork load(byte[] model, int inputCount) throws OrtException {
        OrtSession session = onLargeStack(() -> {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                return environment.createSession(model, options);
            }
        });
        return new OnnxNetwork(session, inputCount);
    }

    /** Work that ONNX Runtime may fail with {@link OrtException}. */
    private interface OrtCall<T> {
        T call() throws OrtException;
    }

    /**
     * Runs {@code call} on a new thread with a stack of {@link #LOADER_STACK_BYTES}. On a thread with the default
     * stack, loading ONNX Runtime 1.29's native library crashed the JVM with a segmentation fault (exit code 139).
     * That happened when the class path was long, as in a broker started from Maven's class path. With an 8 MB
     * stack it loaded, and sessions then run on any thread.
     */
    private static <T> T onLargeStack(OrtCall<T> call) throws OrtException {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread loader = new Thread(
                null,
                () -> {
                    try {
                        result[0] = call.call();
                    } catch (OrtException | RuntimeException | LinkageError e) {
                        failure[0] = e;
                    }
                },
                "onnxruntime-loader",
                LOADER_STACK_BYTES);
        loader.start();
        try {
            loader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ONNX Runtime loaded a model", e);
        }
        if (failure[0] instanceof OrtException e) {
            throw e;
        } else if (failure[0] instanceof RuntimeException e) {
            throw e;
        } else if (failure[0] instanceof LinkageError e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    /**
     * Runs the model on a batch.
     *
     * @param data one array per model input, in input order, each holding the batch in row-major order
     * @param shapes the shape of each input, batch first
     * @return the first output value of each batch row
     * @throws IllegalStateException when ONNX Runtime fails, with its message
     */
    float[] predict(float[][] data, long[][] shapes) {
        if (data.length != inputCount) {
            throw new IllegalArgumentException("the model takes " + inputCount + " inputs, got " + data.length);
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (int k = 0; k < data.length; k++) {
                inputs.put("input" + k, OnnxTensor.createTensor(environment, FloatBuffer.wrap(data[k]), shapes[k]));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                float[][] output = (float[][]) result.get(0).getValue();
                float[] scores = new float[output.length];
                for (int row = 0; row < output.length; row++) {
                    scores[row] = output[row][0];
                }
                return scores;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
