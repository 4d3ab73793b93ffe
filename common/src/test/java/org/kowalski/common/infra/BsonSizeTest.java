package org.kowalski.common.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link BsonSize} gives the number of bytes the server's BSON encoder writes, and the embedded store's
 * {@code collStats} data size equals the plain H2 backend's after inserts, updates and deletes.
 */
class BsonSizeTest {

    /** Returns the size the server's own encoder writes for the document. */
    private static int encodedSize(Document document) {
        ByteBuf buffer = Unpooled.buffer();
        try {
            BsonEncoder.encodeDocument(document, buffer);
            return buffer.writerIndex();
        } finally {
            buffer.release();
        }
    }

    @Test
    void sizeMatchesEncoderForEveryType() {
        List<Object> history = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            history.add(new Document("jd", 2_458_000.5 + i).append("fid", i % 3).append("isdiffpos", i % 2 == 0));
        }
        Document document = new Document("_id", new ObjectId("65f1c0ffee0123456789abcd"))
                .append("candid", 1_234_567_890_123_456_789L)
                .append("ndethist", 7)
                .append("magpsf", 18.25)
                .append("objectId", "ZTF20aaelulu")
                .append("name", "Gaïa – 東京 🔭")
                .append("lone", "a\ud800b")
                .append("missing", null)
                .append("created", Instant.ofEpochMilli(1_700_000_000_123L))
                .append("ts", new BsonTimestamp(42L))
                .append("cutout", new BinData(new byte[] {0x1f, (byte) 0x8b, 0, 1, 2}))
                .append("uuid", UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"))
                .append("price", new Decimal128(5L, 0x3040000000000000L))
                .append("pattern", new BsonRegularExpression("^ZTF2[0-9]", "i"))
                .append("max", MaxKey.getInstance())
                .append("prv_candidates", history)
                .append("nested", new Document("a", List.of(List.of(1, 2), new Document("b", "ü"))));

        assertThat(BsonSize.of(document)).isEqualTo(encodedSize(document));
        assertThat(BsonSize.of(new Document()))
                .isEqualTo(encodedSize(new Document()))
                .isEqualTo(5);
    }

    @Test
    void utf8LengthMatchesStringBytes() {
        for (String text : List.of("", "ZTF", "é", "東京", "🔭", "a\ud800", "\udc00b", "x\ud83d\udd2dy")) {
            assertThat(BsonSize.utf8Length(text))
                    .as(text)
                    .isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void dataSizeMatchesPlainStore() {
        try (PlainAndEmbeddedStores stores = new PlainAndEmbeddedStores()) {
            List<Long> sizes = new ArrayList<>();
            for (MongoDatabase database : List.of(stores.embedded(), stores.plain())) {
                MongoCollection<org.bson.Document> aux = database.getCollection("aux");
                for (int i = 0; i < 50; i++) {
                    aux.insertOne(new org.bson.Document("_id", "ZTF20a" + i)
                            .append("prv_candidates", List.of(new org.bson.Document("jd", 1.5 * i))));
                }
                aux.updateMany(
                        Filters.lt("_id", "ZTF20a3"),
                        Updates.push("prv_candidates", new org.bson.Document("jd", 99.5).append("note", "später")));
                aux.updateOne(Filters.eq("_id", "ZTF20a7"), Updates.set("cross_matches", new org.bson.Document()));
                aux.deleteMany(Filters.gt("_id", "ZTF20a8"));
                sizes.add(database.runCommand(new org.bson.Document("collStats", "aux"))
                        .get("size", Number.class)
                        .longValue());
            }

            assertThat(sizes.get(0)).isPositive().isEqualTo(sizes.get(1));
        }
    }
}
