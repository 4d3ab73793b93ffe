package org.kowalski.common.ml;

import java.util.Locale;

/** One kind of model input, as named by the {@code order} key of a model's configuration. */
public enum ModelInput {
    /** The candidate's numerical features, a float vector in {@code feature_names} order. */
    FEATURES,
    /** The 63x63x3 image stack of the science, template and difference cutouts (channels last). */
    TRIPLET;

    /** Returns the input named {@code features} or {@code triplet} in the configuration. */
    static ModelInput fromConfigName(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown input '" + name + "' in order: expected features or triplet");
        }
    }
}
