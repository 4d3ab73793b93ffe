package org.kowalski.common.infra;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AddToSetRewriterTest {

    private static Document each(Object... values) {
        return new Document("$each", new ArrayList<>(List.of(values)));
    }

    private static Document point(double jd, Object magpsf) {
        Document point = new Document("jd", jd);
        point.put("magpsf", magpsf);
        return point;
    }

    @Test
    void rewriteReplacesAddToSetInPlace() {
        Document update =
                new Document("$addToSet", new Document("prv_candidates", each(point(1, 19.0), point(2, 18.0))));
        update.put("$setOnInsert", new Document("cross_matches", new Document()));
        Document current = new Document("_id", "ZTF20a");
        current.put("prv_candidates", new ArrayList<>(List.of(point(1, 19.0))));

        Document rewritten = AddToSetRewriter.rewrite(update, current);

        assertThat(new ArrayList<>(rewritten.keySet())).containsExactly("$push", "$setOnInsert");
        assertThat(rewritten.get("$push")).isEqualTo(new Document("prv_candidates", each(point(2, 18.0))));
        assertThat(rewritten.get("$setOnInsert")).isEqualTo(update.get("$setOnInsert"));
    }

    @Test
    void rewriteOfNewDocumentKeepsRepeatsOut() {
        Document update = new Document("$addToSet", new Document("tags", each("a", "b", "a")));

        Document rewritten = AddToSetRewriter.rewrite(update, null);

        assertThat(rewritten).isEqualTo(new Document("$push", new Document("tags", each("a", "b"))));
    }

    @Test
    void rewriteLeavesUnsupportedUpdates() {
        Document current = new Document("_id", "ZTF20a");
        current.put("tags", "not an array");
        List<Document> unchanged = List.of(
                new Document("$addToSet", new Document("tags", each("x"))),
                new Document("$addToSet", new Document("list", "single value")),
                new Document("$addToSet", new Document("nested.list", each(1))),
                new Document("$addToSet", new Document("list", each(1)).append("nested.list", each(1))),
                new Document("$addToSet", new Document("list", each(1))).append("$set", new Document("list.0", 2)),
                new Document("$addToSet", new Document("list", each(1))).append("$push", new Document("other", 1)),
                new Document("$set", new Document("list", 1)));

        for (Document update : unchanged) {
            assertThat(AddToSetRewriter.rewrite(update, current)).isSameAs(update);
        }
    }

    @Test
    void newValuesMatchesLinearSearch() {
        SplittableRandom random = new SplittableRandom(42);
        List<Object> pool = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pool.add(point(random.nextInt(8), random.nextBoolean() ? 18.0 : 18));
            pool.add(new Document("magpsf", 18.0).append("jd", (double) random.nextInt(8)));
            pool.add(List.of(random.nextInt(3), List.of("a", random.nextInt(2))));
            pool.add(random.nextInt(5));
            pool.add((long) random.nextInt(5));
            pool.add(new byte[] {(byte) random.nextInt(3)});
        }
        pool.add(null);

        for (int round = 0; round < 200; round++) {
            List<Object> existing = sample(pool, random.nextInt(60), random);
            List<Object> added = sample(pool, random.nextInt(60), random);

            List<Object> expected = new ArrayList<>(existing);
            for (Object value : added) {
                if (!expected.contains(value)) {
                    expected.add(value);
                }
            }

            List<Object> actual = new ArrayList<>(existing);
            actual.addAll(AddToSetRewriter.newValues(existing, added));
            assertThat(actual).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void structuralHashAgreesWithEquals() {
        Document first = point(2.5, 18.0);
        Document same = point(2.5, 18.0);

        assertThat(AddToSetRewriter.StructuralHash.of(first)).isEqualTo(AddToSetRewriter.StructuralHash.of(same));
        assertThat(AddToSetRewriter.StructuralHash.of(List.of(first, 1L)))
                .isEqualTo(AddToSetRewriter.StructuralHash.of(List.of(same, 1L)));
        assertThat(AddToSetRewriter.StructuralHash.of(new Document("bytes", new byte[] {1})))
                .isNull();
    }

    private static List<Object> sample(List<Object> pool, int size, SplittableRandom random) {
        List<Object> sample = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            sample.add(pool.get(random.nextInt(pool.size())));
        }
        return sample;
    }
}
