package org.kowalski.common.cutout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The IRAF zscale display limits. A line is fitted to the sorted values of up to 600 sampled pixels with
 * iterative 2.5-sigma rejection. The limits are the median minus and plus the range that the fitted
 * slope, divided by the contrast 0.045, spans over the samples, kept within the data range.
 */
final class ZScale {

    static final int SAMPLES = 600;
    static final double CONTRAST = 0.045;
    static final double REJECTION_SIGMAS = 2.5;
    static final double MAX_REJECTED_FRACTION = 0.5;
    static final int MIN_PIXELS = 5;
    static final int MAX_ITERATIONS = 5;

    private ZScale() {}

    /** Returns {@code [low, high]} for finite pixel values. */
    static double[] limits(double[] values) {
        double[] samples = sample(values);
        Arrays.sort(samples);
        int n = samples.length;
        double low = samples[0];
        double high = samples[n - 1];
        int centre = (n - 1) / 2;
        double median = n % 2 == 1 ? samples[centre] : 0.5 * (samples[centre] + samples[centre + 1]);

        int minGood = Math.max(MIN_PIXELS, (int) (n * MAX_REJECTED_FRACTION));
        int grow = Math.max(1, (int) (n * 0.01));
        double xScale = n > 1 ? 2.0 / (n - 1) : 1;
        boolean[] rejected = new boolean[n];
        int good = n;
        double slope = 0;
        for (int iteration = 0; iteration < MAX_ITERATIONS && good >= minGood; iteration++) {
            // Least-squares line through the kept points, x scaled to [-1, 1].
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            double sxy = 0;
            for (int i = 0; i < n; i++) {
                if (!rejected[i]) {
                    double x = i * xScale - 1;
                    sx += x;
                    sy += samples[i];
                    sxx += x * x;
                    sxy += x * samples[i];
                }
            }
            double denominator = good * sxx - sx * sx;
            slope = denominator == 0 ? 0 : (good * sxy - sx * sy) / denominator;
            double intercept = (sy - slope * sx) / good;

            double sumSquares = 0;
            for (int i = 0; i < n; i++) {
                if (!rejected[i]) {
                    double residual = samples[i] - (intercept + slope * (i * xScale - 1));
                    sumSquares += residual * residual;
                }
            }
            double threshold = REJECTION_SIGMAS * Math.sqrt(sumSquares / good);

            // Reject outliers and their neighbours within the grow radius.
            boolean[] next = rejected.clone();
            for (int i = 0; i < n; i++) {
                double residual = samples[i] - (intercept + slope * (i * xScale - 1));
                if (Math.abs(residual) > threshold) {
                    for (int j = Math.max(0, i - grow); j <= Math.min(n - 1, i + grow); j++) {
                        next[j] = true;
                    }
                }
            }
            int nextGood = 0;
            for (boolean r : next) {
                nextGood += r ? 0 : 1;
            }
            boolean changed = nextGood != good;
            rejected = next;
            good = nextGood;
            if (!changed) {
                break;
            }
        }
        if (good >= minGood) {
            slope = slope * xScale / CONTRAST;
            low = Math.max(low, median - (centre - 1) * slope);
            high = Math.min(high, median + (n - centre) * slope);
        }
        return new double[] {low, high};
    }

    /** Returns finite values on a regular stride, at most {@value #SAMPLES} of them. */
    private static double[] sample(double[] values) {
        int stride = Math.max(1, (int) Math.ceil((double) values.length / SAMPLES));
        List<Double> picked = new ArrayList<>();
        for (int i = 0; i < values.length && picked.size() < SAMPLES; i += stride) {
            if (Double.isFinite(values[i])) {
                picked.add(values[i]);
            }
        }
        if (picked.isEmpty()) {
            return new double[] {0};
        }
        return picked.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
