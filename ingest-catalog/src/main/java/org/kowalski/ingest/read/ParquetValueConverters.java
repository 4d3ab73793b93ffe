package org.kowalski.ingest.read;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.bson.Document;
import org.bson.types.Decimal128;

/**
 * Parquet record converters that build one row as a map of Java values straight from the column
 * readers, keeping the logical types exact: unsigned integers widened (unsigned 32-bit to {@code Long},
 * unsigned 64-bit to {@code Long} or, above {@code Long.MAX_VALUE}, {@code Decimal128}), decimals as
 * {@code Decimal128}, timestamps and dates as {@code Date} (millisecond precision), strings decoded
 * from UTF-8, lists as {@code List}, maps and structs as {@code Document}. Floats are widened to
 * {@code Double} exactly. Null elements of a list stay {@code null} so positions are kept.
 */
final class ParquetValueConverters {

    private static final long MILLIS_PER_DAY = 86_400_000L;
    private static final long JULIAN_DAY_OF_UNIX_EPOCH = 2_440_588L;

    private ParquetValueConverters() {}

    /** Receives the value that a converter finished. */
    private interface Sink {
        void add(Object value);
    }

    /** Materializes each top-level record as a column name to value map in schema order. */
    static final class RowMaterializer extends RecordMaterializer<Map<String, Object>> {

        private final StructConverter root;

        RowMaterializer(MessageType schema) {
            this.root = new StructConverter(schema, null, true);
        }

        @Override
        public Map<String, Object> getCurrentRecord() {
            return root.current;
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }
    }

    private static Converter converterFor(Type type, Sink sink) {
        if (type.isPrimitive()) {
            return new ValueConverter(type.asPrimitiveType(), sink);
        }
        GroupType group = type.asGroupType();
        LogicalTypeAnnotation annotation = group.getLogicalTypeAnnotation();
        if (annotation instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            return new ListConverter(group, sink);
        }
        if (annotation instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
                || annotation instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation) {
            return new MapConverter(group, sink);
        }
        return new StructConverter(group, sink, false);
    }

    /** A group without a list or map annotation: a record at the top, a nested document below. */
    private static final class StructConverter extends GroupConverter {

        private final Converter[] children;
        private final Sink sink;
        private final boolean top;
        Map<String, Object> current;

        StructConverter(GroupType type, Sink sink, boolean top) {
            this.sink = sink;
            this.top = top;
            this.children = new Converter[type.getFieldCount()];
            for (int i = 0; i < children.length; i++) {
                Type field = type.getType(i);
                String name = field.getName();
                Sink fieldSink = field.isRepetition(Type.Repetition.REPEATED)
                        ? value -> appendTo(name, value)
                        : value -> current.put(name, value);
                children[i] = converterFor(field, fieldSink);
            }
        }

        @SuppressWarnings("unchecked")
        private void appendTo(String name, Object value) {
            ((List<Object>) current.computeIfAbsent(name, key -> new ArrayList<>())).add(value);
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return children[fieldIndex];
        }

        @Override
        public void start() {
            current = top ? new LinkedHashMap<>() : new Document();
        }

        @Override
        public void end() {
            if (sink != null) {
                sink.add(current);
            }
        }
    }

    /**
     * A group annotated LIST, in the standard three-level layout or in the older two-level ones that
     * the Parquet format's backward-compatibility rules describe.
     */
    private static final class ListConverter extends GroupConverter {

        private final Converter element;
        private final Sink sink;
        private List<Object> items;

        ListConverter(GroupType list, Sink sink) {
            this.sink = sink;
            Type repeated = list.getType(0);
            if (!repeated.isPrimitive() && isElementWrapper(repeated.asGroupType(), list.getName())) {
                this.element = new ElementWrapperConverter(repeated.asGroupType(), value -> items.add(value));
            } else {
                this.element = converterFor(repeated, value -> items.add(value));
            }
        }

        private static boolean isElementWrapper(GroupType repeated, String listName) {
            return repeated.getFieldCount() == 1
                    && !repeated.getName().equals("array")
                    && !repeated.getName().equals(listName + "_tuple");
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return element;
        }

        @Override
        public void start() {
            items = new ArrayList<>();
        }

        @Override
        public void end() {
            sink.add(items);
        }
    }

    /** The repeated middle level of a three-level list; an absent element is a null item. */
    private static final class ElementWrapperConverter extends GroupConverter {

        private final Converter element;
        private final Sink sink;
        private Object pending;

        ElementWrapperConverter(GroupType wrapper, Sink sink) {
            this.sink = sink;
            this.element = converterFor(wrapper.getType(0), value -> pending = value);
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return element;
        }

        @Override
        public void start() {
            pending = null;
        }

        @Override
        public void end() {
            sink.add(pending);
        }
    }

    /** A group annotated MAP: a document whose keys are the map keys as strings. */
    private static final class MapConverter extends GroupConverter {

        private final GroupConverter entry;
        private final Sink sink;
        private Document map;
        private Object key;
        private Object value;

        MapConverter(GroupType mapType, Sink sink) {
            this.sink = sink;
            GroupType keyValue = mapType.getType(0).asGroupType();
            Converter keyConverter = converterFor(keyValue.getType(0), k -> key = k);
            Converter valueConverter =
                    keyValue.getFieldCount() > 1 ? converterFor(keyValue.getType(1), v -> value = v) : null;
            this.entry = new GroupConverter() {
                @Override
                public Converter getConverter(int fieldIndex) {
                    return fieldIndex == 0 ? keyConverter : valueConverter;
                }

                @Override
                public void start() {
                    key = null;
                    value = null;
                }

                @Override
                public void end() {
                    if (key != null) {
                        map.put(String.valueOf(key), value);
                    }
                }
            };
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return entry;
        }

        @Override
        public void start() {
            map = new Document();
        }

        @Override
        public void end() {
            sink.add(map);
        }
    }

    /** Converts the primitive values of one column according to its logical type. */
    private static final class ValueConverter extends PrimitiveConverter {

        private final Sink sink;
        private final LogicalTypeAnnotation annotation;
        private final PrimitiveType.PrimitiveTypeName physical;

        ValueConverter(PrimitiveType type, Sink sink) {
            this.sink = sink;
            this.annotation = type.getLogicalTypeAnnotation();
            this.physical = type.getPrimitiveTypeName();
        }

        @Override
        public void addBoolean(boolean value) {
            sink.add(value);
        }

        @Override
        public void addInt(int value) {
            if (annotation instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer
                    && !integer.isSigned()
                    && integer.getBitWidth() == 32) {
                sink.add(Integer.toUnsignedLong(value));
            } else if (annotation instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
                sink.add(new Date(value * MILLIS_PER_DAY));
            } else if (annotation instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
                sink.add(decimal(BigDecimal.valueOf(value, decimal.getScale())));
            } else {
                sink.add(value);
            }
        }

        @Override
        public void addLong(long value) {
            if (annotation instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer
                    && !integer.isSigned()
                    && value < 0) {
                sink.add(decimal(new BigDecimal(Long.toUnsignedString(value))));
            } else if (annotation instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp) {
                sink.add(new Date(
                        switch (timestamp.getUnit()) {
                            case MILLIS -> value;
                            case MICROS -> Math.floorDiv(value, 1_000L);
                            case NANOS -> Math.floorDiv(value, 1_000_000L);
                        }));
            } else if (annotation instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
                sink.add(decimal(BigDecimal.valueOf(value, decimal.getScale())));
            } else {
                sink.add(value);
            }
        }

        @Override
        public void addFloat(float value) {
            sink.add((double) value);
        }

        @Override
        public void addDouble(double value) {
            sink.add(value);
        }

        @Override
        public void addBinary(Binary value) {
            if (physical == PrimitiveType.PrimitiveTypeName.INT96) {
                sink.add(int96Timestamp(value));
            } else if (annotation instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                    || annotation instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                    || annotation instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
                sink.add(value.toStringUsingUTF8());
            } else if (annotation instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
                sink.add(decimal(new BigDecimal(new BigInteger(value.getBytes()), decimal.getScale())));
            } else if (annotation instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
                ByteBuffer bytes = value.toByteBuffer();
                sink.add(new UUID(bytes.getLong(), bytes.getLong()).toString());
            } else if (annotation instanceof LogicalTypeAnnotation.Float16LogicalTypeAnnotation) {
                ByteBuffer bytes = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                sink.add(halfToDouble(bytes.getShort()));
            } else {
                sink.add(value.getBytes());
            }
        }

        /** Returns a {@code Decimal128}, or the plain string for more than the 34 digits it holds. */
        private static Object decimal(BigDecimal value) {
            try {
                return new Decimal128(value);
            } catch (NumberFormatException | ArithmeticException tooPrecise) {
                return value.toPlainString();
            }
        }

        /** Decodes an IEEE 754 half-precision value (Java 17 has no built-in conversion). */
        static double halfToDouble(short bits) {
            int exponent = (bits >>> 10) & 0x1f;
            int mantissa = bits & 0x3ff;
            double magnitude;
            if (exponent == 0) {
                magnitude = mantissa * 0x1p-24;
            } else if (exponent == 0x1f) {
                magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
            } else {
                magnitude = (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            }
            return (bits & 0x8000) != 0 ? -magnitude : magnitude;
        }

        /** Decodes the legacy INT96 timestamp: nanoseconds of the day, then the Julian day, little-endian. */
        private static Date int96Timestamp(Binary value) {
            ByteBuffer bytes = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long nanosOfDay = bytes.getLong();
            long julianDay = bytes.getInt();
            return new Date((julianDay - JULIAN_DAY_OF_UNIX_EPOCH) * MILLIS_PER_DAY + nanosOfDay / 1_000_000L);
        }
    }
}
