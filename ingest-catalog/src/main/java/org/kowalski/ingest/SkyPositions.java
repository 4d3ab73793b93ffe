package org.kowalski.ingest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.types.Decimal128;

/**
 * Reads right ascension and declination cells: numbers are degrees, strings are either decimal degrees
 * or sexagesimal ({@code 12:34:56.7}, {@code 12h34m56.7s}, {@code 12 34 56.7} for RA in hours;
 * {@code -05:30:00}, {@code -05d30m00s}, {@code -05 30 00} for Dec in degrees).
 *
 * <p>Values within {@value #TOLERANCE_DEG} degrees outside the valid range are taken as rounding and
 * brought into it (RA 360 becomes 0, Dec 90.0000001 becomes 90); values further out are rejected.
 */
final class SkyPositions {

    /** How far outside the valid range a value may lie and still count as rounding, in degrees. */
    static final double TOLERANCE_DEG = 1e-6;

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern SEXAGESIMAL = Pattern.compile(
            "([+-]?)\\s*(\\d+(?:\\.\\d*)?)[:hHdD°\\s]\\s*(\\d+(?:\\.\\d*)?)(?:[:mM'\\s]\\s*(\\d+(?:\\.\\d*)?))?[sSmM'\"]?");

    private SkyPositions() {}

    /** Signals a cell that is not a usable position, with the reason to report. */
    static final class InvalidPositionException extends Exception {

        private final SkipReason reason;

        InvalidPositionException(SkipReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }

        SkipReason reason() {
            return reason;
        }
    }

    /** Returns the right ascension in degrees, in [0, 360). */
    static double raDeg(Object value) throws InvalidPositionException {
        double raDeg = degrees(value, true, SkipReason.RA_MISSING, SkipReason.RA_NOT_FINITE, SkipReason.RA_INVALID);
        if (raDeg < -TOLERANCE_DEG || raDeg > 360 + TOLERANCE_DEG) {
            throw new InvalidPositionException(SkipReason.RA_OUT_OF_RANGE, "RA " + raDeg + " degrees");
        }
        if (raDeg < 0) {
            return 0;
        }
        return raDeg >= 360 ? Math.max(0, raDeg - 360) : raDeg;
    }

    /** Returns the declination in degrees, in [-90, 90]. */
    static double decDeg(Object value) throws InvalidPositionException {
        double decDeg =
                degrees(value, false, SkipReason.DEC_MISSING, SkipReason.DEC_NOT_FINITE, SkipReason.DEC_INVALID);
        if (Math.abs(decDeg) > 90 + TOLERANCE_DEG) {
            throw new InvalidPositionException(SkipReason.DEC_OUT_OF_RANGE, "Dec " + decDeg + " degrees");
        }
        return Math.max(-90, Math.min(90, decDeg));
    }

    private static double degrees(
            Object value, boolean hours, SkipReason missing, SkipReason notFinite, SkipReason invalid)
            throws InvalidPositionException {
        double degrees;
        if (value == null) {
            throw new InvalidPositionException(missing, "no value");
        } else if (value instanceof Decimal128 decimal) {
            degrees = decimal.bigDecimalValue().doubleValue();
        } else if (value instanceof Number number) {
            degrees = number.doubleValue();
        } else if (value instanceof String text) {
            degrees = parse(text.strip(), hours, missing, notFinite, invalid);
        } else {
            throw new InvalidPositionException(
                    invalid, "value " + value + " of type " + value.getClass().getSimpleName());
        }
        if (!Double.isFinite(degrees)) {
            throw new InvalidPositionException(notFinite, "value " + degrees);
        }
        return degrees;
    }

    private static double parse(
            String text, boolean hours, SkipReason missing, SkipReason notFinite, SkipReason invalid)
            throws InvalidPositionException {
        if (text.isEmpty()) {
            throw new InvalidPositionException(missing, "empty string");
        }
        if (DECIMAL.matcher(text).matches()) {
            return Double.parseDouble(text);
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("nan") || lower.endsWith("inf") || lower.endsWith("infinity")) {
            throw new InvalidPositionException(notFinite, "value '" + text + "'");
        }
        Matcher matcher = SEXAGESIMAL.matcher(text);
        if (!matcher.matches()) {
            throw new InvalidPositionException(invalid, "value '" + text + "'");
        }
        double whole = Double.parseDouble(matcher.group(2));
        double minutes = Double.parseDouble(matcher.group(3));
        double seconds = matcher.group(4) == null ? 0 : Double.parseDouble(matcher.group(4));
        if (minutes >= 60 || seconds >= 60) {
            throw new InvalidPositionException(invalid, "value '" + text + "' has minutes or seconds of 60 or more");
        }
        double magnitude = whole + minutes / 60 + seconds / 3600;
        // The sign is read from the text, so "-00:30:00" is negative although its degrees are 0.
        double signed = matcher.group(1).equals("-") ? -magnitude : magnitude;
        return hours ? signed * 15 : signed;
    }
}
