package org.kowalski.api.web;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats doubles as CPython's {@code repr(float)} does: the shortest digit string that reads back as
 * the same double (the closest one when several have that length), in fixed notation when the decimal
 * exponent lies in [-4, 16) and in {@code 1e-05} / {@code 1.5e+16} notation otherwise, with {@code .0}
 * kept on integral values. JSON replies and the object-name keys of sky queries depend on this form.
 *
 * <p>Java 17's {@link Double#toString(double)} is not always the shortest (it prints {@code 2.0E-3} style
 * exponents and, for some values, one digit too many), so the digits are searched here.
 */
public final class PythonFloats {

    private PythonFloats() {}

    /** Returns {@code repr(value)} as CPython 3 writes it, such as {@code 1.0}, {@code 0.1}, {@code 1e-05}. */
    public static String repr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0.0" : "0.0";
        }
        BigDecimal digits = shortestDigits(Math.abs(value));
        String unscaled = digits.unscaledValue().toString();
        // The value is 0.<unscaled> x 10^pointPosition.
        int pointPosition = unscaled.length() - digits.scale();
        String sign = value < 0 ? "-" : "";
        if (pointPosition > -4 && pointPosition <= 16) {
            return sign + fixedNotation(unscaled, pointPosition);
        }
        return sign + scientificNotation(unscaled, pointPosition - 1);
    }

    private static String fixedNotation(String unscaled, int pointPosition) {
        if (pointPosition <= 0) {
            return "0." + "0".repeat(-pointPosition) + unscaled;
        }
        if (pointPosition >= unscaled.length()) {
            return unscaled + "0".repeat(pointPosition - unscaled.length()) + ".0";
        }
        return unscaled.substring(0, pointPosition) + "." + unscaled.substring(pointPosition);
    }

    private static String scientificNotation(String unscaled, int exponent) {
        StringBuilder out = new StringBuilder();
        out.append(unscaled.charAt(0));
        if (unscaled.length() > 1) {
            out.append('.').append(unscaled, 1, unscaled.length());
        }
        out.append('e').append(exponent < 0 ? '-' : '+');
        int magnitude = Math.abs(exponent);
        if (magnitude < 10) {
            out.append('0');
        }
        return out.append(magnitude).toString();
    }

    /** Returns the shortest decimal that parses back to {@code value} (positive, finite), trailing zeros stripped. */
    static BigDecimal shortestDigits(double value) {
        BigDecimal exact = new BigDecimal(value);
        // Double.toString round-trips, so its digit count bounds the search from above.
        int precision =
                new BigDecimal(Double.toString(value)).stripTrailingZeros().precision();
        BigDecimal best = closestRoundTrip(exact, value, precision);
        // If p digits round-trip, so do p + 1 digits, so the first failure ends the search.
        for (int p = precision - 1; p >= 1; p--) {
            BigDecimal candidate = closestRoundTrip(exact, value, p);
            if (candidate == null) {
                break;
            }
            best = candidate;
        }
        return best.stripTrailingZeros();
    }

    /** Returns the p-digit decimal closest to {@code exact} that parses back to {@code value}, or null. */
    private static BigDecimal closestRoundTrip(BigDecimal exact, double value, int precision) {
        BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
        BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
        boolean downMatches = Double.parseDouble(down.toString()) == value;
        boolean upMatches = Double.parseDouble(up.toString()) == value;
        if (downMatches && upMatches) {
            int order = exact.subtract(down).compareTo(up.subtract(exact));
            if (order == 0) {
                return exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            }
            return order < 0 ? down : up;
        }
        if (downMatches) {
            return down;
        }
        return upMatches ? up : null;
    }
}
