package org.kowalski.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class RequestJsonTest {

    @Test
    void keepsIntegersExact() {
        Document body = RequestJson.parseObject(
                "{\"candid\": 1127561445515015011, \"small\": 7, \"edge\": 2147483648, \"neg\": -2147483648}");
        assertThat(body.get("candid")).isEqualTo(1127561445515015011L);
        assertThat(body.get("small")).isEqualTo(7);
        assertThat(body.get("edge")).isEqualTo(2147483648L);
        assertThat(body.get("neg")).isEqualTo(Integer.MIN_VALUE);
    }

    @Test
    void fractionsAndExponentsAreDoubles() {
        Document body = RequestJson.parseObject("{\"a\": 1.0, \"b\": 1e5, \"c\": NaN, \"d\": -Infinity}");
        assertThat(body.get("a")).isEqualTo(1.0);
        assertThat(body.get("b")).isEqualTo(100000.0);
        assertThat((Double) body.get("c")).isNaN();
        assertThat(body.get("d")).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void repeatedKeyKeepsOrderAndLastValue() {
        Document body = RequestJson.parseObject("{\"b\": 1, \"a\": 2, \"b\": 3}");
        assertThat(body.keySet()).containsExactly("b", "a");
        assertThat(body.get("b")).isEqualTo(3);
    }

    @Test
    void leavesExtendedJsonWrappersAlone() {
        Document body = RequestJson.parseObject("{\"d\": {\"$date\": \"2020-01-01T00:00:00Z\"}}");
        assertThat(body.get("d")).isEqualTo(new Document("$date", "2020-01-01T00:00:00Z"));
    }

    @Test
    void parsesArraysAndScalars() {
        assertThat(RequestJson.parse("[1, \"x\", null, true]")).isEqualTo(java.util.Arrays.asList(1, "x", null, true));
        assertThat(RequestJson.parse(" 12 ")).isEqualTo(12);
        assertThat(RequestJson.parse("[[1.5, 2]]")).isEqualTo(List.of(List.of(1.5, 2)));
    }

    @Test
    void rejectsInvalidJsonWithPosition() {
        assertThatThrownBy(() -> RequestJson.parse("{\"a\": }"))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("JSONDecodeError: ")
                .hasMessageContaining("line 1 column");
        assertThatThrownBy(() -> RequestJson.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> RequestJson.parse("{} {}")).hasMessageContaining("extra data");
        assertThatThrownBy(() -> RequestJson.parseObject("[1]")).hasMessageContaining("JSON array");
    }

    @Test
    void rejectsIntegersBeyond64Bits() {
        assertThatThrownBy(() -> RequestJson.parse("{\"a\": 9223372036854775808}"))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("9223372036854775808")
                .hasMessageContaining("64 bits");
    }
}
