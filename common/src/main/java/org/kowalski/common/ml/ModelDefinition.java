package org.kowalski.common.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.config.KowalskiConfig.ModelSpec;

/**
 * A validated model entry of {@code ml.<SURVEY>.models.<name>}.
 *
 * @param name the model name, also the key of its score under {@code classifications}
 * @param version the version string stored beside the score and used in the file name
 * @param featureNames candidate features in the order the model expects, empty when it takes none
 * @param inputs the model's inputs in the order of its Keras {@code input_layers}
 * @param format {@code h5} or {@code pb}
 * @param url where to fetch the file when it is missing locally, or {@code null}
 * @param featureNorms the configured {@code feature_norms}, kept to warn that they are not applied
 */
public record ModelDefinition(
        String name,
        String version,
        List<String> featureNames,
        List<ModelInput> inputs,
        String format,
        String url,
        Map<String, Double> featureNorms) {

    private static final List<String> DEFAULT_ORDER = List.of("features", "triplet");

    /** Returns whether the model takes the cutout triplet. */
    public boolean usesTriplet() {
        return inputs.contains(ModelInput.TRIPLET);
    }

    /** Returns whether the model takes candidate features. */
    public boolean usesFeatures() {
        return inputs.contains(ModelInput.FEATURES);
    }

    /** Returns the file name under {@code models/<survey>/}: {@code <name>.<version>.h5}. */
    public String fileName() {
        return name + "." + version + "." + format;
    }

    /**
     * Validates one configured model with the rules of the original broker.
     *
     * @param allowedFeatures the survey's {@code allowed_features}
     * @throws IllegalArgumentException naming the key and the fix when the entry is invalid
     */
    public static ModelDefinition fromSpec(String name, ModelSpec spec, List<String> allowedFeatures) {
        if (spec == null) {
            throw new IllegalArgumentException("the entry is empty: set at least version and triplet");
        }
        if (spec.version() == null || spec.version().isBlank()) {
            throw new IllegalArgumentException("version is missing: set a non-empty version such as d6_m9");
        }

        List<String> featureNames = featureNames(spec.featureNames(), allowedFeatures);
        boolean triplet = Boolean.TRUE.equals(spec.triplet());
        if (featureNames.isEmpty() && !triplet) {
            throw new IllegalArgumentException(
                    "feature_names and triplet are both false: the model would have no input");
        }

        if (spec.featureNorms() != null) {
            for (String key : spec.featureNorms().keySet()) {
                if (!featureNames.contains(key)) {
                    throw new IllegalArgumentException(
                            "feature_norms has the key '" + key + "', which is not in feature_names");
                }
            }
        }

        String format = spec.format() == null ? "h5" : spec.format().trim().toLowerCase(Locale.ROOT);
        if (!format.equals("h5") && !format.equals("pb")) {
            throw new IllegalArgumentException("format '" + spec.format() + "' is invalid: expected h5 or pb");
        }

        List<ModelInput> inputs = inputs(spec.order(), triplet, !featureNames.isEmpty());
        return new ModelDefinition(
                name, spec.version().trim(), featureNames, inputs, format, spec.url(), spec.featureNorms());
    }

    private static List<String> featureNames(Object configured, List<String> allowedFeatures) {
        if (Boolean.TRUE.equals(configured)) {
            return List.copyOf(allowedFeatures);
        }
        List<String> names = KowalskiConfig.parseNameList(configured, "feature_names");
        for (String feature : names) {
            if (!allowedFeatures.contains(feature)) {
                throw new IllegalArgumentException("feature_names contains '" + feature
                        + "', which is not in allowed_features: remove it or add it to allowed_features");
            }
        }
        return List.copyOf(names);
    }

    /** Returns the inputs in {@code order}, keeping only those the model takes. */
    private static List<ModelInput> inputs(List<String> order, boolean triplet, boolean features) {
        List<ModelInput> inputs = new ArrayList<>();
        for (String entry : order == null ? DEFAULT_ORDER : order) {
            ModelInput input = ModelInput.fromConfigName(entry);
            if (inputs.contains(input)) {
                throw new IllegalArgumentException("order names '" + entry + "' twice");
            }
            boolean used = input == ModelInput.TRIPLET ? triplet : features;
            if (used) {
                inputs.add(input);
            }
        }
        if (triplet && !inputs.contains(ModelInput.TRIPLET)) {
            throw new IllegalArgumentException("triplet is true but order lacks 'triplet'");
        }
        if (features && !inputs.contains(ModelInput.FEATURES)) {
            throw new IllegalArgumentException("feature_names is set but order lacks 'features'");
        }
        return List.copyOf(inputs);
    }
}
