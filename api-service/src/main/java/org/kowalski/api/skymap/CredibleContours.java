package org.kowalski.api.skymap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kowalski.common.sky.Coordinates;

/**
 * Computes the boundaries of a localization's greedy credible regions: the region of credible level L
 * is the set of highest-density positions that together hold L percent of the probability, so its
 * boundary is an iso-density line.
 *
 * <p>The density is sampled on a right ascension / declination grid over the localization's support,
 * with a step of at most {@value #MAX_STEP_DEG} degrees (about the pixel size of the NSIDE 512 HEALPix
 * map that the original rasterizes to) and finer for small localizations. The probability is
 * integrated on the same grid, the density threshold of each level is found by bisection, and the
 * boundary is traced with marching squares, oriented with the region on its left. Right ascension wraps
 * around when the grid covers the full circle, so regions across RA 0 and around a pole stay whole.
 */
final class CredibleContours {

    static final double MAX_STEP_DEG = 0.1;

    /** Grid nodes above which the step grows, to bound memory (4 bytes a node) and time. */
    static final long MAX_NODES = 4_000_000L;

    private static final int STEPS_PER_FEATURE = 8;
    private static final int BISECTION_STEPS = 60;

    private final Localization localization;
    private final int rows;
    private final int columns;
    private final boolean periodic;
    private final double decMinDeg;
    private final double decStepDeg;
    private final double raMinDeg;
    private final double raStepDeg;
    private final float[] density;
    private final double[] rowCellAreaSr;
    private final double totalMass;

    private CredibleContours(Localization localization) {
        this.localization = localization;
        SkyBox box = localization.support();
        double step = Math.min(MAX_STEP_DEG, localization.featureSizeDeg() / STEPS_PER_FEATURE);

        // Widen the box by one step where it does not reach a pole, so that its border nodes are empty.
        double decMin = box.decMinDeg() <= -90 ? -90 : Math.max(-90, box.decMinDeg() - step);
        double decMax = box.decMaxDeg() >= 90 ? 90 : Math.min(90, box.decMaxDeg() + step);
        boolean fullCircle = box.isFullCircle() || box.raSpanDeg() + 2 * step >= 360;
        double raSpan = fullCircle ? 360 : box.raSpanDeg() + 2 * step;
        double nodes = ((decMax - decMin) / step + 1) * (raSpan / step + 1);
        if (nodes > MAX_NODES) {
            step *= Math.sqrt(nodes / MAX_NODES);
        }

        this.periodic = fullCircle;
        this.rows = Math.max(2, (int) Math.ceil((decMax - decMin) / step) + 1);
        this.decMinDeg = decMin;
        this.decStepDeg = (decMax - decMin) / (rows - 1);
        if (fullCircle) {
            this.columns = Math.max(4, (int) Math.ceil(360 / step));
            this.raStepDeg = 360.0 / columns;
            this.raMinDeg = 0;
        } else {
            this.columns = Math.max(2, (int) Math.ceil(raSpan / step) + 1);
            this.raStepDeg = raSpan / (columns - 1);
            this.raMinDeg = box.raMinDeg() - step;
        }

        this.density = new float[rows * columns];
        this.rowCellAreaSr = new double[rows];
        double raStepRad = Math.toRadians(raStepDeg);
        for (int r = 0; r < rows; r++) {
            double dec = decAt(r);
            double top = Math.toRadians(Math.min(90, dec + decStepDeg / 2));
            double bottom = Math.toRadians(Math.max(-90, dec - decStepDeg / 2));
            rowCellAreaSr[r] = raStepRad * (Math.sin(top) - Math.sin(bottom));
            for (int c = 0; c < columns; c++) {
                density[r * columns + c] = (float) localization.density(raAt(c), dec);
            }
        }
        this.totalMass = massAbove(Float.MIN_VALUE);
        if (!(totalMass > 0)) {
            throw new IllegalArgumentException("Could not generate contours from skymap " + localization.name()
                    + ": its probability is 0 everywhere on a grid of step " + decStepDeg + " degrees");
        }
    }

    /** Samples a localization on its grid; the work is proportional to the number of grid nodes. */
    static CredibleContours of(Localization localization) {
        return new CredibleContours(localization);
    }

    /** Returns the grid step in declination, in degrees. */
    double stepDeg() {
        return decStepDeg;
    }

    /**
     * Returns the density at the boundary of a credible region.
     *
     * @param levelPercent credible level in percent, in (0, 100]
     */
    double threshold(double levelPercent) {
        double target = totalMass * Math.min(100, levelPercent) / 100;
        double low = 0;
        double high = 0;
        for (float value : density) {
            high = Math.max(high, value);
        }
        // The mass above a threshold falls as the threshold rises; keep the highest one whose mass reaches the target.
        for (int i = 0; i < BISECTION_STEPS; i++) {
            double middle = (low + high) / 2;
            if (massAbove(middle) >= target) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return Math.max(low, Float.MIN_VALUE);
    }

    /**
     * Returns the polygons that bound a credible region: each polygon is a list of rings, the outer
     * boundary first and then its holes, and each ring a closed list of {@code [raDeg, decDeg]}.
     *
     * @param levelPercent credible level in percent, in (0, 100]
     */
    List<List<List<double[]>>> polygons(double levelPercent) {
        double threshold = threshold(levelPercent);
        List<List<double[]>> rings = new ArrayList<>();
        for (List<double[]> loop : traceLoops(threshold)) {
            List<double[]> ring = simplify(loop, decStepDeg / 4);
            if (ring.size() >= 4) {
                rings.add(ring);
            }
        }
        return RingNesting.nest(rings);
    }

    /** Returns the probability mass of the grid nodes whose density is at least a threshold, unnormalized. */
    private double massAbove(double threshold) {
        double mass = 0;
        for (int r = 0; r < rows; r++) {
            double rowMass = 0;
            int offset = r * columns;
            for (int c = 0; c < columns; c++) {
                float value = density[offset + c];
                if (value >= threshold) {
                    rowMass += value;
                }
            }
            mass += rowMass * rowCellAreaSr[r];
        }
        return mass;
    }

    private double decAt(int row) {
        return Math.max(-90, Math.min(90, decMinDeg + decStepDeg * row));
    }

    private double raAt(double column) {
        return SkyBox.normalizeRa(raMinDeg + raStepDeg * column);
    }

    /**
     * Traces the iso-density lines with marching squares. Each cell's boundary is walked counterclockwise
     * (bottom, right, top, left). A crossing where the walk leaves the region starts a segment and one where
     * it enters ends it. This keeps the region on the left of every segment, so segments of adjacent cells
     * chain through their shared edge.
     */
    private List<List<double[]>> traceLoops(double threshold) {
        Map<Long, Long> next = new HashMap<>();
        int cellColumns = periodic ? columns : columns - 1;
        long[] edges = new long[4];
        boolean[] inside = new boolean[4];
        long[] crossings = new long[4];
        boolean[] leaving = new boolean[4];
        for (int r = 0; r < rows - 1; r++) {
            for (int c = 0; c < cellColumns; c++) {
                int right = (c + 1) % columns;
                int[] cornerNodes = {
                    r * columns + c, r * columns + right, (r + 1) * columns + right, (r + 1) * columns + c
                };
                int insideCount = 0;
                for (int k = 0; k < 4; k++) {
                    inside[k] = density[cornerNodes[k]] >= threshold;
                    insideCount += inside[k] ? 1 : 0;
                }
                if (insideCount == 0 || insideCount == 4) {
                    continue;
                }
                edges[0] = horizontalEdge(r, c);
                edges[1] = verticalEdge(r, right);
                edges[2] = horizontalEdge(r + 1, c);
                edges[3] = verticalEdge(r, c);
                int count = 0;
                for (int k = 0; k < 4; k++) {
                    if (inside[k] != inside[(k + 1) % 4]) {
                        crossings[count] = edges[k];
                        leaving[count] = inside[k];
                        count++;
                    }
                }
                if (count == 2) {
                    int out = leaving[0] ? 0 : 1;
                    next.put(crossings[out], crossings[1 - out]);
                } else {
                    // Saddle: the cell centre decides whether the two inside corners connect.
                    double centre = 0;
                    for (int node : cornerNodes) {
                        centre += density[node];
                    }
                    boolean centreInside = centre / 4 >= threshold;
                    for (int k = 0; k < 4; k++) {
                        if (leaving[k]) {
                            int partner = centreInside ? (k + 1) % 4 : (k + 3) % 4;
                            next.put(crossings[k], crossings[partner]);
                        }
                    }
                }
            }
        }

        List<List<double[]>> loops = new ArrayList<>();
        while (!next.isEmpty()) {
            long start = next.keySet().iterator().next();
            List<double[]> loop = new ArrayList<>();
            long edge = start;
            do {
                loop.add(crossingPoint(edge, threshold));
                Long following = next.remove(edge);
                if (following == null) {
                    break;
                }
                edge = following;
            } while (edge != start);
            if (loop.size() >= 3) {
                loop.add(loop.get(0));
                loops.add(loop);
            }
        }
        return loops;
    }

    private long horizontalEdge(int row, int column) {
        return ((long) row * columns + column) << 1;
    }

    private long verticalEdge(int row, int column) {
        return (((long) row * columns + column) << 1) | 1;
    }

    /** Returns where the density crosses the threshold along a grid edge, by linear interpolation. */
    private double[] crossingPoint(long edge, double threshold) {
        long node = edge >> 1;
        int row = (int) (node / columns);
        int column = (int) (node % columns);
        boolean vertical = (edge & 1) == 1;
        double from = density[(int) node];
        double to = vertical ? density[(row + 1) * columns + column] : density[row * columns + (column + 1) % columns];
        double fraction = from == to ? 0.5 : Math.max(0, Math.min(1, (threshold - from) / (to - from)));
        if (vertical) {
            return new double[] {raAt(column), Math.min(90, decMinDeg + decStepDeg * (row + fraction))};
        }
        return new double[] {raAt(column + fraction), decAt(row)};
    }

    /**
     * Simplifies a closed ring with the Douglas-Peucker algorithm on the sphere: a vertex is dropped when
     * it lies within {@code toleranceDeg} of the great circle through the vertices kept around it.
     */
    static List<double[]> simplify(List<double[]> ring, double toleranceDeg) {
        int n = ring.size() - 1;
        if (n < 4) {
            return ring;
        }
        double[][] vectors = new double[n][];
        for (int i = 0; i < n; i++) {
            vectors[i] = Coordinates.unitVector(ring.get(i)[0], ring.get(i)[1]);
        }
        int farthest = 0;
        double best = -1;
        for (int i = 1; i < n; i++) {
            double d = angleDeg(vectors[0], vectors[i]);
            if (d > best) {
                best = d;
                farthest = i;
            }
        }
        boolean[] keep = new boolean[n + 1];
        keep[0] = true;
        keep[farthest] = true;
        keep[n] = true;
        Deque<int[]> spans = new ArrayDeque<>();
        spans.push(new int[] {0, farthest});
        spans.push(new int[] {farthest, n});
        while (!spans.isEmpty()) {
            int[] span = spans.pop();
            double[] a = vectors[span[0] % n];
            double[] b = vectors[span[1] % n];
            int worst = -1;
            double worstDistance = toleranceDeg;
            for (int i = span[0] + 1; i < span[1]; i++) {
                double d = distanceToArcDeg(vectors[i], a, b);
                if (d > worstDistance) {
                    worstDistance = d;
                    worst = i;
                }
            }
            if (worst >= 0) {
                keep[worst] = true;
                spans.push(new int[] {span[0], worst});
                spans.push(new int[] {worst, span[1]});
            }
        }
        List<double[]> simplified = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            if (keep[i]) {
                simplified.add(ring.get(i));
            }
        }
        return simplified;
    }

    private static double angleDeg(double[] a, double[] b) {
        double[] cross = cross(a, b);
        double sin = Math.sqrt(dot(cross, cross));
        return Math.toDegrees(Math.atan2(sin, dot(a, b)));
    }

    /** Returns the angular distance of p from the great circle through a and b, or from a when a equals b. */
    private static double distanceToArcDeg(double[] p, double[] a, double[] b) {
        double[] normal = cross(a, b);
        double norm = Math.sqrt(dot(normal, normal));
        if (norm < 1e-15) {
            return angleDeg(p, a);
        }
        return Math.toDegrees(Math.asin(Math.min(1, Math.abs(dot(p, normal)) / norm)));
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    /** Returns the localization this grid samples. */
    Localization localization() {
        return localization;
    }
}
