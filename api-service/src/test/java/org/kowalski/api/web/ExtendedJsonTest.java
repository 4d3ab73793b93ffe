package org.kowalski.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class ExtendedJsonTest {

    @Test
    void writesIntegersExactly() {
        Document document = new Document("candid", 1127561445515015011L).append("small", 42);
        assertThat(ExtendedJson.write(document)).isEqualTo("{\"candid\": 1127561445515015011, \"small\": 42}");
    }

    @Test
    void writesDoublesAsPythonRepr() {
        List<Object> values = Arrays.asList(1.0, 0.1, 1e-05, 1e16, 71.6577756, -0.0);
        assertThat(ExtendedJson.write(values)).isEqualTo("[1.0, 0.1, 1e-05, 1e+16, 71.6577756, -0.0]");
    }

    @Test
    void writesNonFiniteDoublesAsNumberDouble() {
        List<Object> values = Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        assertThat(ExtendedJson.write(values))
                .isEqualTo("[{\"$numberDouble\": \"NaN\"}, {\"$numberDouble\": \"Infinity\"},"
                        + " {\"$numberDouble\": \"-Infinity\"}]");
    }

    @Test
    void writesObjectIdAndDates() {
        Document document = new Document("_id", new ObjectId("5e3c4b1e2f8b4c0001a1b2c3"))
                .append("whole", new Date(1580620863000L))
                .append("millis", new Date(1580620863123L))
                .append("before1970", new Date(-1000L));
        assertThat(ExtendedJson.write(document))
                .isEqualTo("{\"_id\": {\"$oid\": \"5e3c4b1e2f8b4c0001a1b2c3\"},"
                        + " \"whole\": {\"$date\": \"2020-02-02T05:21:03Z\"},"
                        + " \"millis\": {\"$date\": \"2020-02-02T05:21:03.123Z\"},"
                        + " \"before1970\": {\"$date\": {\"$numberLong\": \"-1000\"}}}");
    }

    @Test
    void writesBinaryAndOtherTypes() {
        Document document = new Document("stampData", new Binary(new byte[] {1, 2, 3}))
                .append("uuid", new Binary((byte) 4, new byte[16]))
                .append("decimal", Decimal128.parse("1.25"))
                .append("regex", new BsonRegularExpression("^ZTF", "mi"))
                .append("ts", new BsonTimestamp(5, 7))
                .append("min", new MinKey())
                .append("max", new MaxKey());
        assertThat(ExtendedJson.write(document))
                .isEqualTo("{\"stampData\": {\"$binary\": {\"base64\": \"AQID\", \"subType\": \"00\"}},"
                        + " \"uuid\": {\"$binary\": {\"base64\": \"AAAAAAAAAAAAAAAAAAAAAA==\", \"subType\": \"04\"}},"
                        + " \"decimal\": {\"$numberDecimal\": \"1.25\"},"
                        + " \"regex\": {\"$regularExpression\": {\"pattern\": \"^ZTF\", \"options\": \"im\"}},"
                        + " \"ts\": {\"$timestamp\": {\"t\": 5, \"i\": 7}},"
                        + " \"min\": {\"$minKey\": 1}, \"max\": {\"$maxKey\": 1}}");
    }

    @Test
    void escapesLikePythonEnsureAscii() {
        assertThat(ExtendedJson.write("a\"b\\c\nd\u00e9\u0001\u007f\ud83d\ude00"))
                .isEqualTo("\"a\\\"b\\\\c\\nd\\u00e9\\u0001\\u007f\\ud83d\\ude00\"");
    }

    @Test
    void outputParsesAsRelaxedExtendedJson() {
        Document document = new Document("candid", 1127561444715015009L)
                .append("nan", Double.NaN)
                .append("when", new Date(1697100000123L))
                .append("nested", List.of(new Document("x", 1.5)));
        Document parsed = Document.parse(ExtendedJson.write(document));
        assertThat(parsed.get("candid")).isEqualTo(1127561444715015009L);
        assertThat((Double) parsed.get("nan")).isNaN();
        assertThat(parsed.get("when")).isEqualTo(new Date(1697100000123L));
        assertThat(parsed.toJson(JsonWriterSettings.builder()
                        .outputMode(JsonMode.RELAXED)
                        .build()))
                .contains("1127561444715015009");
    }
}
