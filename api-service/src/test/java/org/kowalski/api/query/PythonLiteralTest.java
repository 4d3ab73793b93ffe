package org.kowalski.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class PythonLiteralTest {

    @Test
    void readsDictsListsAndTuples() {
        Object value = PythonLiteral.evaluate("{'a': [1, 2.5, -3], \"b\": (True, None,), 'c': {'$gt': 1e-3}}");
        Document expected = new Document("a", List.of(1, 2.5, -3))
                .append("b", new PythonTuple(Arrays.asList(true, null)))
                .append("c", new Document("$gt", 0.001));
        assertThat(value).isEqualTo(expected);
        assertThat(((Document) value).get("b")).isInstanceOf(PythonTuple.class);
    }

    @Test
    void readsNumbersExactly() {
        assertThat(PythonLiteral.evaluate("1127561445515015011")).isEqualTo(1127561445515015011L);
        assertThat(PythonLiteral.evaluate("2147483647")).isEqualTo(2147483647);
        assertThat(PythonLiteral.evaluate("-2147483648")).isEqualTo(-2147483648);
        assertThat(PythonLiteral.evaluate("0x10")).isEqualTo(16);
        assertThat(PythonLiteral.evaluate("1_000")).isEqualTo(1000);
        assertThat(PythonLiteral.evaluate(".5")).isEqualTo(0.5);
        assertThat(PythonLiteral.evaluate("(1)")).isEqualTo(1);
    }

    @Test
    void readsStrings() {
        assertThat(PythonLiteral.evaluate("'it\\'s'")).isEqualTo("it's");
        assertThat(PythonLiteral.evaluate("'a' \"b\"")).isEqualTo("ab");
        assertThat(PythonLiteral.evaluate("r'\\d+'")).isEqualTo("\\d+");
        assertThat(PythonLiteral.evaluate("'\\u00e9\\n'")).isEqualTo("\u00e9\n");
    }

    @Test
    void rejectsJsonNamesAndCode() {
        assertThatThrownBy(() -> PythonLiteral.evaluate("{'a': true}")).hasMessageContaining("'true'");
        assertThatThrownBy(() -> PythonLiteral.evaluate("null")).hasMessageContaining("'null'");
        assertThatThrownBy(() -> PythonLiteral.evaluate("__import__('os')"))
                .isInstanceOf(PythonLiteral.InvalidLiteralException.class);
        assertThatThrownBy(() -> PythonLiteral.evaluate("[1, 2"))
                .isInstanceOf(PythonLiteral.InvalidLiteralException.class);
        assertThatThrownBy(() -> PythonLiteral.evaluate("1.5f"))
                .isInstanceOf(PythonLiteral.InvalidLiteralException.class);
    }

    @Test
    void reprMatchesPython() {
        assertThat(PythonRepr.repr(new PythonTuple(List.of("A", "it's")))).isEqualTo("('A', \"it's\")");
        assertThat(PythonRepr.repr(new PythonTuple(List.of(1)))).isEqualTo("(1,)");
        assertThat(PythonRepr.repr(Arrays.asList(true, null, 1.0, 100, "x\ny")))
                .isEqualTo("[True, None, 1.0, 100, 'x\\ny']");
        assertThat(PythonRepr.repr(new Document("a", 1))).isEqualTo("{'a': 1}");
        assertThat(PythonRepr.str("plain")).isEqualTo("plain");
    }
}
