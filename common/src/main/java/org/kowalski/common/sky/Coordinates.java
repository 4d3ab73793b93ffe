package org.kowalski.common.sky;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bson.Document;

/**
 * Sky coordinates as Kowalski stores them on every positional document: the sexagesimal strings of
 * {@code coordinates.radec_str}, the GeoJSON point of {@code coordinates.radec_geojson}, Galactic and
 * ecliptic coordinates, great-circle distances and angle units. The string formats reproduce the
 * Python original digit for digit, including its quirks (see {@link #deg2hms} and {@link #deg2dms}).
 */
public final class Coordinates {

    /** J2000 equatorial to Galactic rotation matrix, as the original uses it. */
    private static final double[][] EQUATORIAL_TO_GALACTIC = {
        {-0.054875539, -0.873437105, -0.483834992},
        {+0.494109454, -0.444829594, +0.746982249},
        {-0.867666136, -0.198076390, +0.455983795},
    };

    /** Obliquity of the ecliptic used by the original for {@code geocentricmeanecliptic}, in degrees. */
    public static final double OBLIQUITY_DEG = 23.439291;

    private Coordinates() {}

    /**
     * Formats a right ascension as {@code HH:MM:SS.ssss}, as the original's {@code deg2hms}: seconds are
     * zero-padded to 7 characters with 4 decimals and rounding does not carry, so 359.9999999 gives
     * {@code 23:59:60.0000}.
     *
     * @param raDeg right ascension in degrees, 0 ≤ raDeg &lt; 360
     * @throws IllegalArgumentException for a value outside that range or NaN
     */
    public static String deg2hms(double raDeg) {
        if (!(raDeg >= 0 && raDeg < 360)) {
            throw new IllegalArgumentException(
                    "Bad RA value in degrees: " + raDeg + "; right ascension must be in [0, 360)");
        }
        double hoursFloat = raDeg * 12 / 180;
        double hours = Math.floor(hoursFloat);
        double minutesFloat = (hoursFloat - hours) * 60;
        double minutes = Math.floor(minutesFloat);
        double seconds = (minutesFloat - minutes) * 60;
        return String.format(Locale.ROOT, "%02d:%02d:", (long) hours, (long) minutes) + pythonFixed(seconds, 4, 7);
    }

    /**
     * Formats a declination as {@code DD:MM:SS.sss}, as the original's {@code deg2dms}: the degrees use
     * Python's {@code %02.0f}, so the sign counts towards the width ({@code 05:15:00.000} but
     * {@code -5:30:00.000}, and {@code -0:30:00.000} for -0.5); no {@code +} sign and no carry.
     *
     * @param decDeg declination in degrees, -90 ≤ decDeg ≤ 90
     * @throws IllegalArgumentException for a value outside that range or NaN
     */
    public static String deg2dms(double decDeg) {
        if (!(decDeg >= -90 && decDeg <= 90)) {
            throw new IllegalArgumentException(
                    "Bad Dec value in degrees: " + decDeg + "; declination must be in [-90, 90]");
        }
        double degrees = Math.floor(Math.abs(decDeg)) * Math.signum(decDeg);
        if (decDeg < 0 && degrees == 0) {
            degrees = -0.0;
        }
        double minutesFloat = Math.abs(decDeg - degrees) * 60;
        double minutes = Math.floor(minutesFloat);
        double seconds = Math.abs(minutesFloat - minutes) * 60;
        return pythonFixed(degrees, 0, 2)
                + String.format(Locale.ROOT, ":%02d:", (long) minutes)
                + pythonFixed(seconds, 3, 6);
    }

    /**
     * Formats a number as Python's {@code format(x, "0{width}.{decimals}f")}: the exact binary value
     * rounded half-to-even, zero-padded after the sign to the given width.
     */
    static String pythonFixed(double value, int decimals, int width) {
        boolean negative = value < 0 || (value == 0 && 1 / value < 0);
        String digits = new BigDecimal(Math.abs(value))
                .setScale(decimals, RoundingMode.HALF_EVEN)
                .toPlainString();
        int padding = width - digits.length() - (negative ? 1 : 0);
        return (negative ? "-" : "") + "0".repeat(Math.max(0, padding)) + digits;
    }

    /** Returns {@code [deg2hms(ra), deg2dms(dec)]}, the value of {@code coordinates.radec_str}. */
    public static List<String> radecStr(double raDeg, double decDeg) {
        return Arrays.asList(deg2hms(raDeg), deg2dms(decDeg));
    }

    /**
     * Returns the GeoJSON point of {@code coordinates.radec_geojson}: longitude {@code ra - 180}, so that
     * it lies in [-180, 180), and latitude {@code dec}, both in degrees.
     */
    public static Document geoJsonPoint(double raDeg, double decDeg) {
        List<Double> lonLat = new ArrayList<>(2);
        lonLat.add(raDeg - 180.0);
        lonLat.add(decDeg);
        return new Document("type", "Point").append("coordinates", lonLat);
    }

    /**
     * Returns Galactic {l, b} in degrees, by rotating the unit vector with the J2000 to Galactic matrix as
     * the original does. As there, l is not wrapped, so it lies in (-180, 180].
     */
    public static double[] galactic(double raDeg, double decDeg) {
        double[] v = unitVector(raDeg, decDeg);
        double[] g = new double[3];
        for (int i = 0; i < 3; i++) {
            g[i] = EQUATORIAL_TO_GALACTIC[i][0] * v[0]
                    + EQUATORIAL_TO_GALACTIC[i][1] * v[1]
                    + EQUATORIAL_TO_GALACTIC[i][2] * v[2];
        }
        double lDeg = Math.toDegrees(Math.atan2(g[1], g[0]));
        double bDeg = Math.toDegrees(Math.atan2(g[2], Math.hypot(g[0], g[1])));
        return new double[] {lDeg, bDeg};
    }

    /**
     * Returns geocentric mean ecliptic {lambda, beta} in degrees (lambda in [0, 360)), by rotating about
     * the x axis by {@link #OBLIQUITY_DEG}.
     */
    public static double[] ecliptic(double raDeg, double decDeg) {
        double[] v = unitVector(raDeg, decDeg);
        double epsilon = Math.toRadians(OBLIQUITY_DEG);
        double x = v[0];
        double y = Math.cos(epsilon) * v[1] + Math.sin(epsilon) * v[2];
        double z = -Math.sin(epsilon) * v[1] + Math.cos(epsilon) * v[2];
        double lambdaDeg = Math.toDegrees(Math.atan2(y, x));
        lambdaDeg = ((lambdaDeg % 360) + 360) % 360;
        double betaDeg = Math.toDegrees(Math.atan2(z, Math.hypot(x, y)));
        return new double[] {lambdaDeg, betaDeg};
    }

    /** Returns the Cartesian unit vector of a position given in degrees. */
    public static double[] unitVector(double raDeg, double decDeg) {
        double ra = Math.toRadians(raDeg);
        double dec = Math.toRadians(decDeg);
        return new double[] {Math.cos(dec) * Math.cos(ra), Math.cos(dec) * Math.sin(ra), Math.sin(dec)};
    }

    /**
     * Returns the great-circle distance between two positions in degrees, with the Vincenty formula,
     * which stays accurate for tiny and antipodal separations alike.
     *
     * @param ra1Deg right ascension of point 1 in degrees
     * @param dec1Deg declination of point 1 in degrees
     * @param ra2Deg right ascension of point 2 in degrees
     * @param dec2Deg declination of point 2 in degrees
     */
    public static double greatCircleDistanceDeg(double ra1Deg, double dec1Deg, double ra2Deg, double dec2Deg) {
        return Math.toDegrees(greatCircleDistanceRad(
                Math.toRadians(ra1Deg), Math.toRadians(dec1Deg), Math.toRadians(ra2Deg), Math.toRadians(dec2Deg)));
    }

    /** Returns the great-circle distance between two positions given in radians, in radians. */
    public static double greatCircleDistanceRad(double ra1Rad, double dec1Rad, double ra2Rad, double dec2Rad) {
        double deltaRa = ra2Rad - ra1Rad;
        double sinDec1 = Math.sin(dec1Rad);
        double cosDec1 = Math.cos(dec1Rad);
        double sinDec2 = Math.sin(dec2Rad);
        double cosDec2 = Math.cos(dec2Rad);
        double cosDeltaRa = Math.cos(deltaRa);
        double a = cosDec2 * Math.sin(deltaRa);
        double b = cosDec1 * sinDec2 - sinDec1 * cosDec2 * cosDeltaRa;
        double numerator = Math.hypot(a, b);
        double denominator = sinDec1 * sinDec2 + cosDec1 * cosDec2 * cosDeltaRa;
        return Math.atan2(numerator, denominator);
    }

    /**
     * Converts an angle to radians from {@code arcsec}, {@code arcmin}, {@code deg} or {@code rad}, the
     * units of {@code cone_search_unit} and of the query API.
     *
     * @throws IllegalArgumentException for any other unit
     */
    public static double toRadians(double value, String unit) {
        return switch (unit) {
            case "arcsec" -> value * Math.PI / 648_000;
            case "arcmin" -> value * Math.PI / 10_800;
            case "deg" -> value * Math.PI / 180;
            case "rad" -> value;
            default ->
                throw new IllegalArgumentException(
                        "Unknown angle unit '" + unit + "': use one of arcsec, arcmin, deg, rad");
        };
    }
}
