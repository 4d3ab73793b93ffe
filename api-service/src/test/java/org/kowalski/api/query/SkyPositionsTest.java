package org.kowalski.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.kowalski.api.web.ApiException;

/** Object names and positions as the Python original derives them from each radec form. */
class SkyPositionsTest {

    private static List<String> names(Object radec) {
        return List.copyOf(SkyPositions.parse(radec).keySet());
    }

    @Test
    void objectFormKeepsNamesWithDotsReplaced() {
        Document radec = new Document("ZTF20acfkzcg", List.of(115.7697847, 50.2887778)).append("obj.1", List.of(1, 2));
        assertThat(names(radec)).containsExactly("ZTF20acfkzcg", "obj_1");
    }

    @Test
    void arrayFormUsesPythonStrOfPairs() {
        List<Object> radec = List.of(
                List.of(71.6577756, -10.2263957),
                List.of(10, 20),
                List.of(10.0, 20.0),
                List.of(1e-5, 1e16),
                List.of("04:46:37.866", "-10:13:34.90"));
        assertThat(names(radec))
                .containsExactly(
                        "[71_6577756, -10_2263957]",
                        "[10, 20]",
                        "[10_0, 20_0]",
                        "[1e-05, 1e+16]",
                        "['04:46:37_866', '-10:13:34_90']");
    }

    @Test
    void stringForms() {
        assertThat(names("71.65 -10.22")).containsExactly("(71_65, -10_22)");
        assertThat(names(" 04:46:37.866 -10:13:34.90 ")).containsExactly("('04:46:37_866', '-10:13:34_90')");
        assertThat(names("[(71.65, -10.22), (1, 2)]")).containsExactly("(71_65, -10_22)", "(1, 2)");
        assertThat(names("{'a.b': [1, 2]}")).containsExactly("a_b");
        assertThat(names("[[71.65, -10.22]]")).containsExactly("[71_65, -10_22]");
    }

    @Test
    void rejectedForms() {
        assertThatThrownBy(() -> SkyPositions.parse(List.of(71.65, -10.22)))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("must hold pairs");
        assertThatThrownBy(() -> SkyPositions.parse("1 2 3")).hasMessageContaining("too many values to unpack");
        assertThatThrownBy(() -> SkyPositions.parse(new Document())).hasMessageContaining("empty object");
        assertThatThrownBy(() -> SkyPositions.parse(new Document("a", "1 2"))).hasMessageContaining("pair");
    }

    @Test
    void positionsInDegrees() {
        SkyPositions.Position numbers = SkyPositions.toPosition("a", List.of(71.65, -10.22));
        assertThat(numbers.raDeg()).isEqualTo(71.65);
        assertThat(numbers.decDeg()).isEqualTo(-10.22);

        SkyPositions.Position mixed = SkyPositions.toPosition("b", List.of("71.65", -10.22));
        assertThat(mixed.raDeg()).isEqualTo(71.65);

        SkyPositions.Position colons = SkyPositions.toPosition("c", List.of("04:46:37.866", "-10:13:34.90"));
        assertThat(colons.raDeg())
                .isCloseTo((4 + 46 / 60.0 + 37.866 / 3600) * 15, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(colons.decDeg())
                .isCloseTo(-(10 + 13 / 60.0 + 34.90 / 3600), org.assertj.core.data.Offset.offset(1e-9));

        SkyPositions.Position letters = SkyPositions.toPosition("d", List.of("04h46m37.866s", "-10d13m34.90s"));
        assertThat(letters.raDeg()).isEqualTo(colons.raDeg());
        assertThat(letters.decDeg()).isEqualTo(colons.decDeg());

        // The sign comes from the string, so a declination of -00:30:00 stays negative.
        assertThat(SkyPositions.toPosition("e", List.of("00:00:00", "-00:30:00"))
                        .decDeg())
                .isEqualTo(-0.5);
    }

    @Test
    void invalidPositions() {
        assertThatThrownBy(() -> SkyPositions.toPosition("a", List.of(10, 95)))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("Declination 95.0");
        assertThatThrownBy(() -> SkyPositions.toPosition("a", List.of(-1, 0))).hasMessageContaining("Right ascension");
        assertThatThrownBy(() -> SkyPositions.toPosition("a", List.of("71.65", "-10.22")))
                .hasMessageContaining("unrecognized string ra/dec format");
        assertThatThrownBy(() -> SkyPositions.toPosition("a", List.of("abc", 1)))
                .hasMessageContaining("could not convert string to float: 'abc'");
        assertThatThrownBy(() -> SkyPositions.toPosition("a", List.of(1, 2, 3))).hasMessageContaining("3 values");
    }

    @Test
    void repeatedNameKeepsFirstPlaceAndLastPair() {
        Map<String, Object> positions = SkyPositions.parse(List.of(List.of(1, 2), List.of(3, 4), List.of(1, 2)));
        assertThat(positions.keySet()).containsExactly("[1, 2]", "[3, 4]");
    }
}
