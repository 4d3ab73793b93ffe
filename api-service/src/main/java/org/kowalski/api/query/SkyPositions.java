package org.kowalski.api.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kowalski.api.web.ApiException;
import org.kowalski.common.sky.GeoClauses;
import org.kowalski.common.sky.InvalidSkyQueryException;

/**
 * Reads the {@code radec} of {@code cone_search} and {@code near} queries into named positions, with
 * the object names the Python original gives them, since clients index the results by these names:
 *
 * <ul>
 *   <li>an object {@code {"obj.1": [ra, dec]}}: the key, with every {@code .} replaced by {@code _};
 *   <li>an array of pairs {@code [[ra, dec], ...]}: Python's {@code str()} of each pair, dots replaced,
 *       such as {@code "[71_6577756, -10_2263957]"};
 *   <li>a string: a Python literal of one of those forms when it starts with {@code [}, {@code (} or
 *       <code>{</code>, otherwise two tokens {@code "ra dec"} named like a tuple, {@code "(71_65, -10_22)"},
 *       or {@code "('04:46:37.866', '-10:13:34.90')"} when the string contains {@code s} or {@code :}.
 * </ul>
 *
 * Pairs are numbers (degrees) or two sexagesimal strings, {@code HH:MM:SS.s}/{@code ±DD:MM:SS.s} or
 * {@code HHhMMmSS.Ss}/{@code ±DDdMMmSS.Ss}. Unlike the original, which sent any value to MongoDB,
 * right ascensions outside [0, 360] and declinations outside [-90, 90] are rejected.
 */
final class SkyPositions {

    private SkyPositions() {}

    /** A position of the request: right ascension and declination in degrees. */
    record Position(double raDeg, double decDeg) {}

    /**
     * Returns the object names of a {@code radec} value with their raw pairs, in request order; a repeated
     * name keeps its first place and its last pair, as in a Python dict.
     *
     * @throws ApiException 400 for an unsupported form
     */
    static Map<String, Object> parse(Object radec) {
        if (radec instanceof String text) {
            return parseString(text.strip());
        }
        if (radec instanceof Map<?, ?> map) {
            return fromObject(map);
        }
        if (radec instanceof List<?> pairs) {
            return fromPairs(pairs);
        }
        throw ApiException.badRequest("ValidationError: unsupported radec " + QueryArguments.describe(radec)
                + "; send an object {\"name\": [ra, dec]}, an array [[ra, dec], ...] or a string \"ra dec\"");
    }

    private static Map<String, Object> parseString(String text) {
        if (text.startsWith("[") || text.startsWith("(") || text.startsWith("{")) {
            Object value = QueryArguments.literal(text, "query radec");
            if (value instanceof Map<?, ?> map) {
                return fromObject(map);
            }
            if (value instanceof List<?> pairs) {
                return fromPairs(pairs);
            }
            throw ApiException.badRequest(
                    "ValidationError: the radec literal " + text + " is neither a dict nor a list of pairs");
        }
        String[] tokens = text.split("\\s+");
        if (tokens.length != 2) {
            String problem = tokens.length > 2
                    ? "too many values to unpack (expected 2)"
                    : "not enough values to unpack (expected 2, got " + (text.isEmpty() ? 0 : 1) + ")";
            throw ApiException.badRequest("ValidationError: " + problem + ": the radec string '" + text
                    + "' must be two values \"ra dec\", such as \"71.65 -10.22\" or \"04:46:37.87 -10:13:34.9\"");
        }
        List<Object> pair;
        if (text.contains("s") || text.contains(":")) {
            pair = new PythonTuple(List.of(tokens[0], tokens[1]));
        } else {
            pair = new PythonTuple(List.of(
                    QueryArguments.literal(tokens[0], "query radec"),
                    QueryArguments.literal(tokens[1], "query radec")));
        }
        Map<String, Object> positions = new LinkedHashMap<>();
        positions.put(objectName(PythonRepr.str(pair)), pair);
        return positions;
    }

    private static Map<String, Object> fromObject(Map<?, ?> map) {
        if (map.isEmpty()) {
            throw ApiException.badRequest("ValidationError: not enough values to unpack (expected 2, got 0): radec"
                    + " is an empty object; name at least one position, such as {\"obj1\": [71.65, -10.22]}");
        }
        Map<String, Object> positions = new LinkedHashMap<>();
        map.forEach((name, pair) -> {
            if (!(pair instanceof List<?>)) {
                throw ApiException.badRequest("ValidationError: the position of '" + name + "' is "
                        + QueryArguments.describe(pair) + "; send a pair [ra, dec]");
            }
            positions.put(objectName(String.valueOf(name)), pair);
        });
        return positions;
    }

    private static Map<String, Object> fromPairs(List<?> pairs) {
        Map<String, Object> positions = new LinkedHashMap<>();
        for (Object pair : pairs) {
            if (!(pair instanceof List<?>)) {
                throw ApiException.badRequest("ValidationError: argument after * must be an iterable, not "
                        + QueryArguments.describe(pair) + ": an array radec must hold pairs, such as"
                        + " [[71.65, -10.22]] rather than [71.65, -10.22]");
            }
            positions.put(objectName(PythonRepr.str(pair)), pair);
        }
        return positions;
    }

    /** Returns a name with every {@code .} replaced by {@code _}, since MongoDB keys cannot hold dots. */
    static String objectName(String name) {
        return name.replace('.', '_');
    }

    /**
     * Converts a raw pair to degrees: two strings as sexagesimal, anything else through Python's
     * {@code float()}.
     *
     * @param name the object name, for messages
     * @throws ApiException 400 for unreadable values or a position outside the sky
     */
    static Position toPosition(String name, Object rawPair) {
        List<?> pair = (List<?>) rawPair;
        if (pair.size() != 2) {
            throw ApiException.badRequest("ValidationError: the position of '" + name + "' has " + pair.size()
                    + " values; send exactly [ra, dec]");
        }
        Object ra = pair.get(0);
        Object dec = pair.get(1);
        Position position;
        if (ra instanceof String raText && dec instanceof String decText) {
            position = fromSexagesimal(name, raText, decText);
        } else {
            position = new Position(
                    QueryArguments.pythonFloat(ra, "right ascension of '" + name + "'"),
                    QueryArguments.pythonFloat(dec, "declination of '" + name + "'"));
        }
        try {
            GeoClauses.checkPosition(position.raDeg(), position.decDeg());
        } catch (InvalidSkyQueryException e) {
            throw ApiException.badRequest("ValidationError: position of '" + name + "': " + e.getMessage());
        }
        return position;
    }

    private static Position fromSexagesimal(String name, String raText, String decText) {
        String ra = raText;
        String dec = decText;
        if (ra.contains("h") && ra.contains("m") && ra.contains("s")) {
            ra = ra.substring(0, ra.length() - 1).replace('h', ':').replace('m', ':');
        }
        if (dec.contains("d") && dec.contains("m") && dec.contains("s")) {
            dec = dec.substring(0, dec.length() - 1).replace('d', ':').replace('m', ':');
        }
        if (!ra.contains(":") || !dec.contains(":")) {
            throw ApiException.badRequest("Exception: unrecognized string ra/dec format. ('" + raText + "', '"
                    + decText + "' for '" + name + "'); use HH:MM:SS.s and ±DD:MM:SS.s, or HHhMMmSS.Ss and"
                    + " ±DDdMMmSS.Ss, or degrees as numbers");
        }
        double[] raParts = sexagesimalParts(ra, name);
        double[] decParts = sexagesimalParts(dec, name);
        // The same operations as the original, so the degrees match it to the last bit.
        double raRad = (raParts[0] + raParts[1] / 60.0 + raParts[2] / 3600.0) * Math.PI / 12.0;
        double sign = dec.strip().startsWith("-") ? -1 : 1;
        double decRad = sign
                * (Math.abs(decParts[0]) + Math.abs(decParts[1]) / 60.0 + Math.abs(decParts[2]) / 3600.0)
                * Math.PI
                / 180.0;
        double longitude = raRad * 180.0 / Math.PI - 180.0;
        return new Position(longitude + 180.0, decRad * 180.0 / Math.PI);
    }

    private static double[] sexagesimalParts(String text, String name) {
        String[] parts = text.split(":", -1);
        if (parts.length < 3) {
            throw ApiException.badRequest("IndexError: list index out of range: '" + text + "' of '" + name + "' has "
                    + parts.length + " parts; sexagesimal values need three, such as 04:46:37.87");
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            values.add(QueryArguments.pythonFloat(parts[i], "sexagesimal value '" + text + "' of '" + name + "'"));
        }
        return new double[] {values.get(0), values.get(1), values.get(2)};
    }
}
