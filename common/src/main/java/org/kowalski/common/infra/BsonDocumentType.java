package org.kowalski.common.infra;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * The H2 MVStore value type of the embedded store's documents: each document is written as BSON, with the
 * encoder and decoder the server uses on the wire, instead of with Java serialization.
 *
 * <p>H2's default {@code ObjectDataType} serializes a document with {@code ObjectOutputStream}, and
 * serializes it once more to estimate its memory. In a flight recording of the broker benchmark, that was
 * the largest single cost of the store. A document that came over the wire holds only BSON types, so
 * BSON keeps its values, their Java types and its key order.
 */
final class BsonDocumentType extends BasicDataType<Document> {

    static final BsonDocumentType INSTANCE = new BsonDocumentType();

    /** Estimated bytes of an object reference and header, for the memory estimate. */
    private static final int OBJECT_OVERHEAD_BYTES = 24;

    private BsonDocumentType() {}

    @Override
    public int getMemory(Document document) {
        return estimateBytes(document);
    }

    @Override
    public void write(WriteBuffer buffer, Document document) {
        ByteBuf bson = Unpooled.buffer(256);
        try {
            BsonEncoder.encodeDocument(document, bson);
            int length = bson.readableBytes();
            buffer.putVarInt(length);
            buffer.put(bson.array(), bson.arrayOffset() + bson.readerIndex(), length);
        } finally {
            bson.release();
        }
    }

    @Override
    public Document read(ByteBuffer buffer) {
        int length = DataUtils.readVarInt(buffer);
        byte[] bson = new byte[length];
        buffer.get(bson);
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
    }

    @Override
    public Document[] createStorage(int size) {
        return new Document[size];
    }

    /** Returns a rough size in memory, from a walk over the values that allocates nothing. */
    private static int estimateBytes(Object value) {
        if (value instanceof Map<?, ?> map) {
            int bytes = OBJECT_OVERHEAD_BYTES * 2;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                bytes += OBJECT_OVERHEAD_BYTES + estimateBytes(entry.getKey()) + estimateBytes(entry.getValue());
            }
            return bytes;
        }
        if (value instanceof Collection<?> collection) {
            int bytes = OBJECT_OVERHEAD_BYTES * 2;
            for (Object element : collection) {
                bytes += 8 + estimateBytes(element);
            }
            return bytes;
        }
        if (value instanceof CharSequence text) {
            return OBJECT_OVERHEAD_BYTES * 2 + text.length();
        }
        if (value instanceof byte[] bytes) {
            return OBJECT_OVERHEAD_BYTES + bytes.length;
        }
        return OBJECT_OVERHEAD_BYTES;
    }
}
