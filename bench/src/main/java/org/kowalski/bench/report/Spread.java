package org.kowalski.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The median, minimum and maximum of one figure over repeated runs. A figure that could not be taken
 * in a run, such as the drain time of a run that timed out, is left out, and {@link #runs()} counts
 * the values that remain.
 */
public record Spread(double median, double min, double max, int runs) {

    /** A figure that no run produced. */
    public static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, 0);

    /** Returns the spread of the finite values; an even count takes the mean of the two middle values. */
    public static Spread of(List<Double> values) {
        List<Double> sorted = new ArrayList<>();
        for (Double value : values) {
            if (value != null && Double.isFinite(value)) {
                sorted.add(value);
            }
        }
        if (sorted.isEmpty()) {
            return NONE;
        }
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        return new Spread(median, sorted.get(0), sorted.get(n - 1), n);
    }

    public boolean isEmpty() {
        return runs == 0;
    }

    /** Formats as {@code median (min to max)} with the given number of decimals, or "n/a". */
    public String format(int decimals) {
        if (isEmpty()) {
            return "n/a";
        }
        String pattern = "%,." + decimals + "f";
        if (runs == 1) {
            return String.format(Locale.ROOT, pattern, median) + " (1 run)";
        }
        return String.format(Locale.ROOT, pattern + " (%s to %s)", median, fmt(pattern, min), fmt(pattern, max));
    }

    private static String fmt(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }
}
