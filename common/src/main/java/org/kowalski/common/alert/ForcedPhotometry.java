package org.kowalski.common.alert;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The rules for ZTF forced photometry ({@code fp_hists}), as the Python original applies them:
 * cleaning, formatting with magnitudes, the new-object rule and the merge into an object's history.
 */
public final class ForcedPhotometry {

    /** The value ZTF writes for a failed measurement. */
    public static final double MISSING_VALUE = -99999;

    /** Width of the forced-photometry window that ZTF packets carry, in days. */
    public static final double WINDOW_DAYS = 30;

    private ForcedPhotometry() {}

    /** Returns copies of the points without the keys whose value is null or -99999. */
    public static List<Document> clean(List<Document> points) {
        List<Document> cleaned = new ArrayList<>(points.size());
        for (Document point : points) {
            Document copy = new Document();
            point.forEach((key, value) -> {
                if (value != null && !(value instanceof Number number && number.doubleValue() == MISSING_VALUE)) {
                    copy.append(key, value);
                }
            });
            cleaned.add(copy);
        }
        return cleaned;
    }

    /**
     * Formats cleaned points for storage: sorts them by {@code jd}, drops a point whose {@code jd} equals
     * the previous one's, and adds the magnitudes of {@link #fluxToMag} and the alert's {@code alert_mag},
     * {@code alert_ra} and {@code alert_dec}.
     *
     * @param alertMag the alert's {@code candidate.magpsf}
     * @param alertRaDeg the alert's {@code candidate.ra} in degrees
     * @param alertDecDeg the alert's {@code candidate.dec} in degrees
     */
    public static List<Document> format(
            List<Document> cleaned, double alertMag, double alertRaDeg, double alertDecDeg) {
        List<Document> sorted = new ArrayList<>(cleaned);
        sorted.sort(Comparator.comparingDouble(ForcedPhotometry::jdOf));
        List<Document> formatted = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            Document point = sorted.get(i);
            if (i > 0 && jdOf(point) == jdOf(sorted.get(i - 1))) {
                continue;
            }
            Document entry = new Document(point);
            // TODO: the original raises on a point without magzpsci; here its magnitudes are left out.
            entry.putAll(fluxToMag(
                    numberOrNaN(point.get("forcediffimflux")),
                    numberOrNaN(point.get("forcediffimfluxunc")),
                    numberOrNaN(point.get("magzpsci"))));
            entry.append("alert_mag", alertMag).append("alert_ra", alertRaDeg).append("alert_dec", alertDecDeg);
            formatted.add(entry);
        }
        return formatted;
    }

    /** Formats the packet's points with the alert's own magnitude and position. */
    public static List<Document> format(MongifiedAlert alert) {
        Document candidate = alert.candidate();
        return format(
                clean(alert.fpHists()),
                numberOrNaN(candidate.get("magpsf")),
                numberOrNaN(candidate.get("ra")),
                numberOrNaN(candidate.get("dec")));
    }

    /**
     * Returns the magnitudes of a forced-photometry flux as the original's {@code flux_to_mag}: {@code
     * mag}, {@code magerr} (signed, so negative for a negative flux), {@code snr}, {@code limmag3sig} and
     * {@code limmag5sig}. Nothing is returned when the signal-to-noise ratio is NaN; otherwise the NaN
     * values are left out.
     *
     * @param flux the difference-image flux in DN
     * @param fluxErr its 1-sigma uncertainty in DN
     * @param zeroPointMag the photometric zero point ({@code magzpsci}) in magnitudes
     */
    public static Document fluxToMag(double flux, double fluxErr, double zeroPointMag) {
        Document magnitudes = new Document();
        double snr = flux / fluxErr;
        if (Double.isNaN(snr)) {
            return magnitudes;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("mag", -2.5 * Math.log10(flux) + zeroPointMag);
        values.put("magerr", 1.0857 * (fluxErr / flux));
        values.put("snr", snr);
        values.put("limmag3sig", -2.5 * Math.log10(3 * fluxErr) + zeroPointMag);
        values.put("limmag5sig", -2.5 * Math.log10(5 * fluxErr) + zeroPointMag);
        values.forEach((key, value) -> {
            if (!Double.isNaN(value)) {
                magnitudes.append(key, value);
            }
        });
        return magnitudes;
    }

    /**
     * Returns whether a new object's aux document gets the packet's forced photometry: only when its
     * history can be complete from the first detection, that is when {@code ndethist <= 1} or the first
     * detection ({@code jdstarthist}) is less than 30 days before this alert. A missing {@code
     * jdstarthist} counts as 0, as in the original, so such an object gets none unless {@code ndethist <= 1}.
     */
    public static boolean storeForNewObject(Document candidate) {
        if (candidate.get("ndethist") instanceof Number ndethist && ndethist.longValue() <= 1) {
            return true;
        }
        double jd = numberOrNaN(candidate.get("jd"));
        double jdStartHist = candidate.get("jdstarthist") instanceof Number start ? start.doubleValue() : 0;
        return jd - jdStartHist < WINDOW_DAYS;
    }

    /**
     * Merges new points into stored ones: one point per {@code jd}, the one with the lowest (brightest)
     * {@code alert_mag}; a point without {@code alert_mag} wins, as the original counts it as -99999. On a
     * tie the stored point stays. The result is sorted by {@code jd}. The merge is idempotent and does not
     * depend on the order in which alerts arrive.
     */
    public static List<Document> merge(List<Document> stored, List<Document> incoming) {
        Map<Double, Document> byJd = new LinkedHashMap<>();
        for (List<Document> source : List.of(stored, incoming)) {
            for (Document point : source) {
                double jd = jdOf(point);
                Document current = byJd.get(jd);
                if (current == null || alertMagOf(point) < alertMagOf(current)) {
                    byJd.put(jd, point);
                }
            }
        }
        List<Document> merged = new ArrayList<>(byJd.values());
        merged.sort(Comparator.comparingDouble(ForcedPhotometry::jdOf));
        return merged;
    }

    /** Returns the points at most {@link #WINDOW_DAYS} before {@code jd}: the window an alert reports. */
    public static List<Document> window(List<Document> points, double jd) {
        return points.stream().filter(point -> jdOf(point) >= jd - WINDOW_DAYS).toList();
    }

    private static double alertMagOf(Document point) {
        return point.get("alert_mag") instanceof Number mag ? mag.doubleValue() : MISSING_VALUE;
    }

    private static double jdOf(Document point) {
        return numberOrNaN(point.get("jd"));
    }

    private static double numberOrNaN(Object value) {
        return value instanceof Number number ? number.doubleValue() : Double.NaN;
    }
}
