package org.kowalski.api.skymap;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.kowalski.api.web.ApiException;
import org.kowalski.api.web.PythonFloats;
import org.kowalski.api.web.PythonTypes;

/**
 * Parses and checks the fields of skymap requests: the observation time, credible levels, aliases and
 * the localization in one of the forms that GCN tools send.
 */
final class SkymapRequests {

    /** Observation times as the original accepts them: UTC without a zone, 0 to 6 fraction digits. */
    private static final DateTimeFormatter DATEOBS = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 6, true)
            .optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    private static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter PYTHON_STR_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    private SkymapRequests() {}

    /**
     * Parses {@code dateobs}, a UTC time written {@code YYYY-MM-DDTHH:MM:SS[.SSSSSS]}.
     *
     * @throws ApiException 400 for any other form
     */
    static LocalDateTime parseDateobs(Object value) {
        if (!(value instanceof String text)) {
            throw ApiException.badRequest("Invalid dateobs " + value + " (a " + PythonTypes.jsonTypeName(value)
                    + "): send a UTC time string in the format YYYY-MM-DDTHH:MM:SS[.SSSSSS]");
        }
        try {
            return LocalDateTime.parse(text, DATEOBS);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("Invalid dateobs '" + text
                    + "': dateobs must be in the format YYYY-MM-DDTHH:MM:SS[.SSSSSS], in UTC without a time zone");
        }
    }

    /** Formats a time as Python's {@code datetime.isoformat()}: microseconds only when non-zero. */
    static String isoformat(LocalDateTime time) {
        return ISO_SECONDS.format(time) + microseconds(time);
    }

    /** Formats a time as Python's {@code str(datetime)}, the form of the original's messages. */
    static String pythonStr(LocalDateTime time) {
        return PYTHON_STR_SECONDS.format(time) + microseconds(time);
    }

    private static String microseconds(LocalDateTime time) {
        int micros = time.getNano() / 1000;
        return micros == 0 ? "" : String.format(".%06d", micros);
    }

    /**
     * Parses credible levels in percent: a number, a list of numbers, or a string of comma-separated
     * numbers. Integers stay integers, because the level names the contour key ({@code contour90}).
     *
     * @throws ApiException 400 when a level is missing, not a number or outside (0, 100]
     */
    static List<Number> parseLevels(Object value) {
        if (value == null) {
            throw ApiException.badRequest(
                    "Missing contours: send the credible levels in percent, such as \"contours\": [90, 95]");
        }
        List<Object> items = new ArrayList<>();
        if (value instanceof List<?> list) {
            items.addAll(list);
        } else if (value instanceof String text) {
            for (String part : text.split(",")) {
                items.add(parseNumber(part.trim()));
            }
        } else {
            items.add(value);
        }
        if (items.isEmpty()) {
            throw ApiException.badRequest("Invalid contours []: send at least one credible level, such as [90]");
        }
        List<Number> levels = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof Number number) || item instanceof Boolean) {
                throw ApiException.badRequest("Invalid contour level " + item
                        + ": send credible levels in percent as numbers, such as [90, 95]");
            }
            double level = number.doubleValue();
            if (!(level > 0 && level <= 100)) {
                throw ApiException.badRequest(
                        "Invalid contour level " + levelText(number) + ": credible levels must be in (0, 100] percent");
            }
            if (!levels.contains(number)) {
                levels.add(number);
            }
        }
        return levels;
    }

    private static Object parseNumber(String text) {
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException notInteger) {
            try {
                return Double.valueOf(text);
            } catch (NumberFormatException notNumber) {
                return text;
            }
        }
    }

    /** Returns a level as Python's {@code str()} writes it: {@code 90}, {@code 90.0}, {@code 90.5}. */
    static String levelText(Number level) {
        if (level instanceof Double || level instanceof Float) {
            return PythonFloats.repr(level.doubleValue());
        }
        return level.toString();
    }

    /** Returns the contour key of a level, such as {@code contour90}. */
    static String contourKey(Number level) {
        return "contour" + levelText(level);
    }

    /** Returns the level named by a contour key, or {@code null} when the key names none. */
    static Number levelOfKey(String key) {
        if (!key.startsWith("contour")) {
            return null;
        }
        Object number = parseNumber(key.substring("contour".length()));
        return number instanceof Number level ? level : null;
    }

    /** Formats levels as a Python list, such as {@code [90, 95]}. */
    static String levelsText(List<Number> levels) {
        List<String> texts = new ArrayList<>();
        levels.forEach(level -> texts.add(levelText(level)));
        return "[" + String.join(", ", texts) + "]";
    }

    /**
     * Parses {@code aliases}: absent or a list of strings.
     *
     * @throws ApiException 400 for anything else
     */
    static List<String> parseAliases(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw ApiException.badRequest(
                "Invalid aliases " + value + ": send a list of strings, such as [\"LVC#S230623a\"]");
    }

    /** Returns whether a {@code skymap} object is the {@code {url}} form, whose file must be downloaded. */
    static boolean isUrlForm(Object value) {
        return value instanceof Map<?, ?> map
                && map.containsKey("url")
                && !(map.containsKey("uniq") && map.containsKey("probdensity"));
    }

    /**
     * Builds the localization from a {@code skymap} object, in the first form whose keys it has:
     * {@code {localization_name, uniq, probdensity}} (multi-order HEALPix), {@code {localization_name,
     * content}} (base64 FITS), {@code {ra, dec, error}} (Gaussian cone, degrees, one sigma),
     * {@code {localization_name, polygon}} and {@code {localization_name, ra, dec, amaj, amin, phi}}
     * (ellipse).
     *
     * @throws ApiException 400 for a form that is not supported or invalid values
     */
    static Localization parseLocalization(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw ApiException.badRequest(
                    "Invalid skymap " + value + ": send an object such as {\"ra\": 90, \"dec\": 30, \"error\": 10}");
        }
        Document skymap = new Document();
        map.forEach((key, item) -> skymap.put(String.valueOf(key), item));
        try {
            if (skymap.containsKey("uniq") && skymap.containsKey("probdensity")) {
                return new MultiOrderMap(
                        requireName(skymap), longs(skymap.get("uniq"), "uniq"), doubles(skymap.get("probdensity")));
            }
            if (skymap.containsKey("url")) {
                throw new IllegalStateException("skymap.url needs a download: read it with SkymapDownloads");
            }
            if (skymap.containsKey("content")) {
                return FitsSkymaps.read(requireName(skymap), skymap.get("content"));
            }
            if (skymap.containsKey("ra") && skymap.containsKey("dec") && skymap.containsKey("error")) {
                return new GaussianCone(number(skymap, "ra"), number(skymap, "dec"), number(skymap, "error"));
            }
            if (skymap.containsKey("polygon")) {
                return polygon(requireName(skymap), skymap.get("polygon"));
            }
            if (skymap.containsKey("amaj") && skymap.containsKey("amin") && skymap.containsKey("phi")) {
                return new SkyEllipse(
                        requireName(skymap),
                        number(skymap, "ra"),
                        number(skymap, "dec"),
                        number(skymap, "amaj"),
                        number(skymap, "amin"),
                        number(skymap, "phi"));
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        throw ApiException.badRequest("Invalid skymap data with keys " + skymap.keySet()
                + ": send {ra, dec, error}, {localization_name, uniq, probdensity}, {localization_name, content},"
                + " {localization_name, polygon} or {localization_name, ra, dec, amaj, amin, phi}");
    }

    private static String requireName(Document skymap) {
        Object name = skymap.get("localization_name");
        if (name instanceof String text && !text.isBlank()) {
            return text;
        }
        throw ApiException.badRequest(
                "Missing skymap.localization_name: name the localization," + " such as \"bayestar.multiorder.fits\"");
    }

    private static double number(Document skymap, String key) {
        Object value = skymap.get(key);
        if (value instanceof Number number && !(value instanceof Boolean)) {
            return number.doubleValue();
        }
        if (value instanceof String text) {
            try {
                return Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                // Reported below with the key.
            }
        }
        throw ApiException.badRequest("Invalid skymap." + key + " " + value + ": send a number in degrees");
    }

    private static long[] longs(Object value, String key) {
        if (!(value instanceof List<?> list)) {
            throw ApiException.badRequest("Invalid skymap." + key + ": send a list of integers");
        }
        long[] result = new long[list.size()];
        for (int i = 0; i < result.length; i++) {
            if (!(list.get(i) instanceof Integer || list.get(i) instanceof Long)) {
                throw ApiException.badRequest(
                        "Invalid skymap." + key + "[" + i + "] " + list.get(i) + ": NUNIQ pixel ids are integers");
            }
            result[i] = ((Number) list.get(i)).longValue();
        }
        return result;
    }

    private static double[] doubles(Object value) {
        if (!(value instanceof List<?> list)) {
            throw ApiException.badRequest("Invalid skymap.probdensity: send a list of numbers");
        }
        double[] result = new double[list.size()];
        for (int i = 0; i < result.length; i++) {
            if (!(list.get(i) instanceof Number number) || list.get(i) instanceof Boolean) {
                throw ApiException.badRequest("Invalid skymap.probdensity[" + i + "] " + list.get(i)
                        + ": densities are numbers per steradian");
            }
            result[i] = number.doubleValue();
        }
        return result;
    }

    private static SkyPolygon polygon(String name, Object value) {
        Object corners = value;
        double[] centre = null;
        if (value instanceof Map<?, ?> map) {
            corners = map.get("corners");
            centre = map.get("center") == null ? null : position(map.get("center"), "skymap.polygon.center");
        }
        if (!(corners instanceof List<?> list)) {
            throw ApiException.badRequest("Invalid skymap.polygon: send a list of corners [[ra, dec], ...]"
                    + " or {\"center\": [ra, dec], \"corners\": [[ra, dec], ...]} in degrees");
        }
        List<double[]> positions = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            positions.add(position(list.get(i), "skymap.polygon corner " + i));
        }
        return new SkyPolygon(name, positions, centre);
    }

    private static double[] position(Object value, String description) {
        if (value instanceof List<?> pair
                && pair.size() == 2
                && pair.get(0) instanceof Number ra
                && pair.get(1) instanceof Number dec) {
            return new double[] {ra.doubleValue(), dec.doubleValue()};
        }
        throw ApiException.badRequest("Invalid " + description + " " + value + ": send [ra, dec] in degrees");
    }
}
