package org.kowalski.common.ml;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ONNX model (the {@code ModelProto} protocol buffer message) from nodes, weights, inputs and one
 * output, for ONNX Runtime to load from memory.
 *
 * <p>The messages are encoded by hand in the protocol buffer wire format, with the field numbers of
 * {@code onnx.proto} (ONNX IR version 8), so that no protocol buffer library or generated classes are needed.
 * Only float32 tensors and the attribute types that convolutional classifiers use (int, ints) are written.
 */
final class OnnxGraphBuilder {

    /** IR version and operator set of the models written, which ONNX Runtime 1.29 loads. */
    private static final long IR_VERSION = 8;

    private static final long OPSET_VERSION = 13;

    private static final int FLOAT = 1;

    private static final int ATTRIBUTE_INT = 2;

    private static final int ATTRIBUTE_INTS = 7;

    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private int nameCounter;

    /** Returns a new value name with the given prefix, unique in this graph. */
    String newName(String prefix) {
        return prefix + "_" + nameCounter++;
    }

    /**
     * Declares a graph input of float32 values whose first dimension is the batch size.
     *
     * @param rank the number of dimensions, batch included. No dimension has a fixed size.
     */
    void input(String name, int rank) {
        inputs.add(valueInfo(name, rank));
    }

    /** Declares a graph output of float32 values of the given rank. */
    void output(String name, int rank) {
        outputs.add(valueInfo(name, rank));
    }

    /** Adds a float32 weight tensor of the given shape, stored little-endian in {@code raw_data}. */
    void weights(String name, long[] shape, float[] values) {
        long elements = 1;
        for (long dimension : shape) {
            elements *= dimension;
        }
        if (elements != values.length) {
            throw new IllegalArgumentException(
                    "weights " + name + " have " + values.length + " values, but their shape needs " + elements);
        }
        Message tensor = new Message();
        for (long dimension : shape) {
            tensor.int64(1, dimension);
        }
        tensor.int64(2, FLOAT);
        tensor.string(8, name);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        tensor.bytes(9, raw.array());
        initializers.add(tensor.toByteArray());
    }

    /** Starts a node of the standard ONNX operator set, which {@link Node#add()} adds to the graph. */
    Node node(String opType, List<String> nodeInputs, String nodeOutput) {
        return new Node(opType, nodeInputs, nodeOutput);
    }

    /** Returns the encoded {@code ModelProto}. */
    byte[] build(String graphName) {
        Message graph = new Message();
        nodes.forEach(node -> graph.bytes(1, node));
        graph.string(2, graphName);
        initializers.forEach(tensor -> graph.bytes(5, tensor));
        inputs.forEach(input -> graph.bytes(11, input));
        outputs.forEach(output -> graph.bytes(12, output));

        Message opset = new Message();
        opset.string(1, "");
        opset.int64(2, OPSET_VERSION);

        Message model = new Message();
        model.int64(1, IR_VERSION);
        model.string(2, "kowalski");
        model.bytes(7, graph.toByteArray());
        model.bytes(8, opset.toByteArray());
        return model.toByteArray();
    }

    private static byte[] valueInfo(String name, int rank) {
        Message shape = new Message();
        for (int axis = 0; axis < rank; axis++) {
            Message dimension = new Message();
            dimension.string(2, name + "_dim" + axis);
            shape.bytes(1, dimension.toByteArray());
        }
        Message tensorType = new Message();
        tensorType.int64(1, FLOAT);
        tensorType.bytes(2, shape.toByteArray());
        Message type = new Message();
        type.bytes(1, tensorType.toByteArray());

        Message info = new Message();
        info.string(1, name);
        info.bytes(2, type.toByteArray());
        return info.toByteArray();
    }

    /** A node being built: its operator, inputs, output and attributes. */
    final class Node {

        private final Message message = new Message();

        private Node(String opType, List<String> nodeInputs, String nodeOutput) {
            nodeInputs.forEach(input -> message.string(1, input));
            message.string(2, nodeOutput);
            message.string(3, nodeOutput);
            message.string(4, opType);
        }

        Node attribute(String name, long value) {
            Message attribute = new Message();
            attribute.string(1, name);
            attribute.int64(3, value);
            attribute.int64(20, ATTRIBUTE_INT);
            message.bytes(5, attribute.toByteArray());
            return this;
        }

        Node attribute(String name, long[] values) {
            Message attribute = new Message();
            attribute.string(1, name);
            for (long value : values) {
                attribute.int64(8, value);
            }
            attribute.int64(20, ATTRIBUTE_INTS);
            message.bytes(5, attribute.toByteArray());
            return this;
        }

        void add() {
            nodes.add(message.toByteArray());
        }
    }

    /**
     * One protocol buffer message in the wire format: each field is a key (field number and wire type) and a
     * value. Repeated scalar fields are written unpacked, one key per value, which every parser accepts.
     */
    private static final class Message {

        private static final int VARINT = 0;

        private static final int LENGTH_DELIMITED = 2;

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void int64(int field, long value) {
            varint(((long) field << 3) | VARINT);
            varint(value);
        }

        void string(int field, String value) {
            bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(int field, byte[] value) {
            varint(((long) field << 3) | LENGTH_DELIMITED);
            varint(value.length);
            out.writeBytes(value);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private void varint(long value) {
            long rest = value;
            while ((rest & ~0x7FL) != 0) {
                out.write((int) ((rest & 0x7F) | 0x80));
                rest >>>= 7;
            }
            out.write((int) rest);
        }
    }
}
