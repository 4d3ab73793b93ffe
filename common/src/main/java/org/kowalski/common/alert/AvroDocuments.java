package org.kowalski.common.alert;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * Converts decoded Avro values to the BSON values the original stores: records and maps become
 * documents in schema field order, strings and enum symbols become strings, bytes and fixed become
 * binary (subtype 0), {@code float} becomes the double with the same value, and {@code long} stays a
 * 64-bit integer, so ids such as {@code candid} keep every digit.
 */
public final class AvroDocuments {

    private AvroDocuments() {}

    /** Converts a record, nulls included. */
    public static Document toDocument(GenericRecord record) {
        Schema schema = record.getSchema();
        Document document = new Document();
        for (Schema.Field field : schema.getFields()) {
            document.append(field.name(), toBson(record.get(field.pos())));
        }
        return document;
    }

    /** Converts one Avro value. */
    public static Object toBson(Object value) {
        if (value == null
                || value instanceof Integer
                || value instanceof Long
                || value instanceof Double
                || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        if (value instanceof GenericRecord record) {
            return toDocument(record);
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer view = buffer.duplicate();
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            return new Binary(bytes);
        }
        if (value instanceof GenericFixed fixed) {
            return new Binary(fixed.bytes().clone());
        }
        if (value instanceof GenericEnumSymbol<?> symbol) {
            return symbol.toString();
        }
        if (value instanceof Collection<?> items) {
            ArrayList<Object> list = new ArrayList<>(items.size());
            for (Object item : items) {
                list.add(toBson(item));
            }
            return list;
        }
        if (value instanceof Map<?, ?> map) {
            Document document = new Document();
            map.forEach((key, item) -> document.append(key.toString(), toBson(item)));
            return document;
        }
        throw new IllegalArgumentException(
                "Unsupported Avro value of type " + value.getClass().getName());
    }
}
