package org.kowalski.ingest.read;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Infers the type of one CSV cell the way pandas' default parser does for a column of such values:
 * integers that fit in 64 bits become {@code Long} (exact, never via a double), other decimal numbers
 * {@code Double}, {@code True}/{@code False} in any case {@code Boolean}; pandas' default missing-value
 * markers and empty cells become {@code null}, {@code nan} becomes NaN; everything else stays a string.
 *
 * <p>The type is decided per cell, not per column, so a column mixing numbers and text stores each
 * value with its own type. Integers too long for 64 bits stay strings, so that no digit is lost.
 */
final class CsvValues {

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /** The cell texts that pandas reads as missing, except the NaN spellings, which stay NaN. */
    private static final Set<String> MISSING =
            Set.of("", "#N/A", "#N/A N/A", "#NA", "<NA>", "N/A", "NA", "NULL", "None", "n/a", "null");

    private static final Set<String> NAN =
            Set.of("nan", "NaN", "NAN", "-nan", "-NaN", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN");

    private CsvValues() {}

    static Object parse(String raw) {
        String text = raw.strip();
        if (MISSING.contains(text)) {
            return null;
        }
        if (NAN.contains(text)) {
            return Double.NaN;
        }
        if (INTEGER.matcher(text).matches()) {
            try {
                return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
            } catch (NumberFormatException tooLong) {
                return text;
            }
        }
        if (DECIMAL.matcher(text).matches()) {
            return Double.parseDouble(text);
        }
        switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "true" -> {
                return Boolean.TRUE;
            }
            case "false" -> {
                return Boolean.FALSE;
            }
            default -> {
                return text;
            }
        }
    }
}
