package org.kowalski.common.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import de.bwaldvogel.mongo.backend.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * The key order of the embedded store's unique indexes is a total order that agrees with {@link
 * KeyValue#equals}, and the indexes find, reject and count documents as the plain H2 backend's do.
 */
class IndexKeyTypeTest {

    private static final IndexKeyType TYPE = new IndexKeyType();

    /** Returns normalized index keys of every kind that the order distinguishes, with repeats. */
    private static List<KeyValue> keys() {
        Random random = new Random(7);
        List<KeyValue> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Object first = switch (i % 7) {
                case 0 -> "ZTF20a" + random.nextInt(40);
                case 1 -> (double) random.nextInt(40) - 20;
                case 2 -> Long.MAX_VALUE - random.nextInt(5);
                case 3 -> null;
                case 4 -> random.nextBoolean();
                case 5 -> new de.bwaldvogel.mongo.bson.ObjectId(String.format("65f1c0ffee01234567%06x", i % 11));
                default -> new de.bwaldvogel.mongo.bson.Document("k", random.nextInt(3));
            };
            keys.add(i % 3 == 0 ? new KeyValue(first) : new KeyValue(first, "g" + random.nextInt(3)));
        }
        return keys;
    }

    @Test
    void orderIsTotalAndAgreesWithEquals() {
        List<KeyValue> keys = keys();

        for (KeyValue first : keys) {
            for (KeyValue second : keys) {
                int order = TYPE.compare(first, second);
                assertThat(order == 0).as("%s against %s", first, second).isEqualTo(first.equals(second));
                assertThat(Integer.signum(order)).isEqualTo(-Integer.signum(TYPE.compare(second, first)));
            }
        }
        List<KeyValue> sorted = new ArrayList<>(keys);
        sorted.sort(TYPE::compare);
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = i + 1; j < sorted.size(); j++) {
                assertThat(TYPE.compare(sorted.get(i), sorted.get(j))).isLessThanOrEqualTo(0);
            }
        }
    }

    @Test
    void numbersAndStringsInNaturalOrder() {
        assertThat(TYPE.compare(new KeyValue(2.0), new KeyValue(10.0))).isNegative();
        assertThat(TYPE.compare(new KeyValue(-1.5), new KeyValue(-0.5))).isNegative();
        assertThat(TYPE.compare(new KeyValue("ZTF19"), new KeyValue("ZTF20"))).isNegative();
        assertThat(TYPE.compare(new KeyValue((Object) null), new KeyValue(0.0))).isNegative();
        assertThat(TYPE.compare(new KeyValue(1.0, "b"), new KeyValue(1.0, "a"))).isPositive();
    }

    /** Returns how many of the test's numeric candids lie above 2,000,000,000,000 plus the offset. */
    private static long countAbove(int offset) {
        long count = 0;
        for (int i = 0; i < 1_000; i += 2) {
            if (i * 7919L % 1_000 > offset) {
                count++;
            }
        }
        return count;
    }

    @Test
    void uniqueIndexesServeLikePlainStore() {
        try (PlainAndEmbeddedStores stores = new PlainAndEmbeddedStores()) {
            MongoCollection<Document> embedded = stores.embedded().getCollection("alerts");
            MongoCollection<Document> plain = stores.plain().getCollection("alerts");
            for (MongoCollection<Document> alerts : List.of(embedded, plain)) {
                alerts.createIndex(Indexes.ascending("candid"), new IndexOptions().unique(true));
                alerts.createIndex(
                        Indexes.ascending("objectId", "fid"),
                        new IndexOptions().unique(true).sparse(true));
                for (int i = 0; i < 1_000; i++) {
                    Object candid = i % 2 == 0 ? (Object) (2_000_000_000_000L + i * 7919L % 1_000) : "c" + i;
                    alerts.insertOne(new Document("_id", new ObjectId(String.format("65f1c0ffee0123456%07x", i)))
                            .append("candid", candid)
                            .append("objectId", "ZTF20a" + (i % 97))
                            .append("fid", i / 97));
                }
                // An integer and a double of the same value are one key to a unique index.
                alerts.insertOne(new Document("_id", 1).append("candid", 3).append("objectId", "x"));
                assertThatThrownBy(() -> alerts.insertOne(
                                new Document("_id", 2).append("candid", 3.0).append("objectId", "y")))
                        .isInstanceOf(MongoWriteException.class)
                        .hasMessageContaining("duplicate key");
            }

            for (int i = 0; i < 1_000; i += 37) {
                Object candid = i % 2 == 0 ? (Object) (2_000_000_000_000L + i * 7919L % 1_000) : "c" + i;
                assertThat(embedded.find(Filters.eq("candid", candid)).first())
                        .isEqualTo(plain.find(Filters.eq("candid", candid)).first());
                assertThat(embedded.find(Filters.and(
                                        Filters.eq("objectId", "ZTF20a" + (i % 97)), Filters.eq("fid", i / 97)))
                                .first())
                        .isNotNull()
                        .isEqualTo(plain.find(Filters.and(
                                        Filters.eq("objectId", "ZTF20a" + (i % 97)), Filters.eq("fid", i / 97)))
                                .first());
            }
            assertThat(embedded.countDocuments(Filters.gt("candid", 2_000_000_000_500L)))
                    .isEqualTo(plain.countDocuments(Filters.gt("candid", 2_000_000_000_500L)))
                    .isEqualTo(countAbove(500));
            assertThat(embedded.find(Filters.in("candid", List.of("c1", "c3", 3, "none")))
                            .sort(Sorts.ascending("_id"))
                            .into(new ArrayList<>()))
                    .isEqualTo(plain.find(Filters.in("candid", List.of("c1", "c3", 3, "none")))
                            .sort(Sorts.ascending("_id"))
                            .into(new ArrayList<>()))
                    .hasSize(3);
        }
    }
}
