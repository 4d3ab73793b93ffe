package org.kowalski.common.ml;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The numerical features of a ZTF alert that the models may take: the candidate's own fields plus the
 * features the original broker derives from the object's history. Those derived values are model inputs
 * only and are not stored with the alert.
 *
 * <p>Derived features, with jd in days: {@code peakmag_so_far} (min history {@code magpsf}, 30 when none
 * is brighter), {@code maxmag_so_far} (max history {@code magpsf}, starting at 0), {@code days_since_peak},
 * {@code days_to_peak}, {@code age} and {@code nnondet = ncovhist - ndethist}. The peak is the first
 * strict minimum in history order, and its jd starts at the candidate's jd.
 */
final class AlertFeatures {

    private final Map<String, ?> candidate;
    private final Map<String, Double> derived;

    private AlertFeatures(Map<String, ?> candidate, Map<String, Double> derived) {
        this.candidate = candidate;
        this.derived = derived;
    }

    /**
     * Computes the derived features of an alert.
     *
     * @throws PreprocessingException when {@code jd} or {@code jdstarthist} is null, or when {@code ncovhist}
     *     or {@code ndethist} is present but null. The original raises in those cases too, and then runs no
     *     model for the alert, so this class does the same to store the same scores.
     */
    static AlertFeatures of(AlertInput alert) {
        Map<String, ?> candidate = alert.candidate();
        Double jd = number(candidate, "jd");
        if (jd == null) {
            throw new PreprocessingException("candidate.jd is null");
        }

        double peakMag = 30.0;
        double peakMagJd = jd;
        double maxMag = 0.0;
        double firstDetectionJd = jd;
        for (Map<String, ?> previous : alert.history()) {
            Double magpsf = number(previous, "magpsf");
            if (magpsf == null) {
                continue;
            }
            Double previousJd = number(previous, "jd");
            if (previousJd == null) {
                throw new PreprocessingException("a history entry with magpsf " + magpsf + " has a null jd");
            }
            if (magpsf < peakMag) {
                peakMag = magpsf;
                peakMagJd = previousJd;
            }
            maxMag = Math.max(maxMag, magpsf);
            firstDetectionJd = Math.min(firstDetectionJd, previousJd);
        }

        Double jdStartHist = number(candidate, "jdstarthist");
        if (jdStartHist == null) {
            throw new PreprocessingException("candidate.jdstarthist is null");
        }
        double firstAlertJd = Math.min(jdStartHist, firstDetectionJd);

        Map<String, Double> derived = new HashMap<>();
        derived.put("peakmag_so_far", peakMag);
        derived.put("maxmag_so_far", maxMag);
        derived.put("days_since_peak", jd - peakMagJd);
        derived.put("days_to_peak", peakMagJd - firstAlertJd);
        derived.put("age", jd - firstAlertJd);
        derived.put("nnondet", countOrZero(candidate, "ncovhist") - countOrZero(candidate, "ndethist"));
        return new AlertFeatures(candidate, derived);
    }

    /**
     * Returns the feature vector of a model as float32, in {@code featureNames} order, with raw values.
     *
     * <p>{@code drb} falls back to {@code rb} when it is null. The configured {@code feature_norms} are not
     * applied: the original looks each norm up by the feature's value instead of its name, so its division
     * is always by 1, and the models were run (and their stored scores computed) on raw values. Applying the
     * norms here would change every stored score.
     *
     * @throws PreprocessingException naming the first feature that is null or missing. The original then
     *     fails this model only, and the other models still score the alert.
     */
    float[] vector(List<String> featureNames) {
        float[] values = new float[featureNames.size()];
        for (int i = 0; i < values.length; i++) {
            String name = featureNames.get(i);
            Double value = derived.containsKey(name) ? derived.get(name) : number(candidate, name);
            if (value == null && name.equals("drb")) {
                value = number(candidate, "rb");
            }
            if (value == null) {
                throw new PreprocessingException("feature " + name + " is null");
            }
            values[i] = value.floatValue();
        }
        return values;
    }

    private static double countOrZero(Map<String, ?> candidate, String key) {
        if (!candidate.containsKey(key)) {
            return 0.0;
        }
        Double value = number(candidate, key);
        if (value == null) {
            throw new PreprocessingException("candidate." + key + " is null");
        }
        return value;
    }

    private static Double number(Map<String, ?> record, String key) {
        Object value = record.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value instanceof Boolean flag) {
            return flag ? 1.0 : 0.0;
        }
        throw new PreprocessingException(key + " is not a number: " + value);
    }
}
