package org.kowalski.common.ml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores ZTF alerts with the configured Keras models (braai and the acai family), loaded once per instance.
 *
 * <p>{@link #score(List)} returns, per alert, the entries to store under the alert's {@code classifications}:
 * {@code <model>} (the sigmoid output, a float32 widened to double) and {@code <model>_version}. A model that
 * fails for an alert is logged and left out of that alert's map, and the other models still score it. An
 * alert whose inputs cannot be built at all (null {@code jdstarthist}, unreadable or oversized cutout) gets an
 * empty map, as in the original broker.
 *
 * <p>Alerts of one call are run through each model in batches of at most {@link #DEFAULT_MAX_BATCH_SIZE}.
 * Instances are thread-safe. DL4J networks are not, so each call runs on a set of models that no other
 * call uses at the same time: the loaded set, or a copy made the first time more threads score at once
 * than there are sets (see {@link ModelReplicas}). Scorers made by {@link #withMaxBatchSize} share the sets.
 */
public final class MlScorer {

    private static final Logger log = LoggerFactory.getLogger(MlScorer.class);

    /**
     * Largest number of alerts per model call. In {@code MlScorerBenchmark} on 2 vCPUs, batches of 8 took 15%
     * less CPU per alert than single alerts and 20% less than batches of 36 (one run, 5 rounds). It also bounds
     * the activation memory (about 3 MB per alert).
     */
    public static final int DEFAULT_MAX_BATCH_SIZE = 8;

    private final String survey;
    private final ModelRegistry registry;
    private final ModelReplicas replicas;
    private final int maxBatchSize;

    private MlScorer(String survey, ModelRegistry registry, ModelReplicas replicas, int maxBatchSize) {
        this.survey = survey;
        this.registry = registry;
        this.replicas = replicas;
        this.maxBatchSize = maxBatchSize;
    }

    /** Loads the models of {@code ml.<survey>}. Models that fail to load are logged and left out. */
    public static MlScorer load(KowalskiConfig config, String survey) {
        ModelRegistry registry = ModelRegistry.load(config, survey);
        return new MlScorer(survey, registry, new ModelReplicas(survey, registry.models()), DEFAULT_MAX_BATCH_SIZE);
    }

    /** Returns a scorer with the same models and another batch size limit. */
    public MlScorer withMaxBatchSize(int alerts) {
        if (alerts < 1) {
            throw new IllegalArgumentException("max batch size must be at least 1, got " + alerts);
        }
        return new MlScorer(survey, registry, replicas, alerts);
    }

    /**
     * Returns the loaded models, for the benchmark and tests in this package. They are the first set that
     * {@link #score(List)} runs on, so use them only while no other thread scores.
     */
    List<LoadedModel> loadedModels() {
        return registry.models();
    }

    /** Returns the names of the loaded models, in configuration order. */
    public List<String> modelNames() {
        return registry.models().stream()
                .map(model -> model.definition().name())
                .toList();
    }

    /** Returns, by model name, why each configured model that is not loaded was left out. */
    public Map<String, String> failedModels() {
        return registry.failures();
    }

    /** Scores one alert, as {@link #score(List)} does. */
    public Map<String, Object> score(AlertInput alert) {
        return score(List.of(alert)).get(0);
    }

    /**
     * Scores alerts with every loaded model.
     *
     * @return one mutable map per alert, in input order, with {@code <model>} and {@code <model>_version}
     *     entries for each model that scored it
     */
    public List<Map<String, Object>> score(List<AlertInput> alerts) {
        List<Map<String, Object>> results = new ArrayList<>(alerts.size());
        for (int i = 0; i < alerts.size(); i++) {
            results.add(new LinkedHashMap<>());
        }
        if (registry.models().isEmpty() || alerts.isEmpty()) {
            return results;
        }

        List<LoadedModel> models = replicas.acquire();
        try {
            for (int start = 0; start < alerts.size(); start += maxBatchSize) {
                int end = Math.min(alerts.size(), start + maxBatchSize);
                scoreChunk(models, alerts.subList(start, end), results.subList(start, end));
            }
        } finally {
            replicas.release(models);
        }
        return results;
    }

    private void scoreChunk(List<LoadedModel> models, List<AlertInput> alerts, List<Map<String, Object>> results) {
        // Step 1: inputs shared by all models. The original builds them for every alert before any model
        // runs, so a failure here means no model scores the alert.
        AlertFeatures[] features = new AlertFeatures[alerts.size()];
        float[][] triplets = new float[alerts.size()][];
        for (int i = 0; i < alerts.size(); i++) {
            AlertInput alert = alerts.get(i);
            try {
                features[i] = AlertFeatures.of(alert);
                triplets[i] =
                        TripletBuilder.build(alert.cutoutScience(), alert.cutoutTemplate(), alert.cutoutDifference());
            } catch (PreprocessingException e) {
                features[i] = null;
                log.warn(
                        "No ML scores for {} alert candid={} objectId={}: {}",
                        survey,
                        alert.candid(),
                        alert.objectId(),
                        e.getMessage());
            }
        }

        // Step 2: each model on the alerts whose inputs it can take.
        for (LoadedModel model : models) {
            runModel(model, alerts, features, triplets, results);
        }
    }

    private void runModel(
            LoadedModel model,
            List<AlertInput> alerts,
            AlertFeatures[] features,
            float[][] triplets,
            List<Map<String, Object>> results) {
        ModelDefinition definition = model.definition();
        List<Integer> rows = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
            if (features[i] == null) {
                continue;
            }
            float[] vector = null;
            if (definition.usesFeatures()) {
                try {
                    vector = features[i].vector(definition.featureNames());
                } catch (PreprocessingException e) {
                    logModelFailure(definition, alerts.get(i), e);
                    continue;
                }
            }
            rows.add(i);
            vectors.add(vector);
        }
        if (rows.isEmpty()) {
            return;
        }

        try {
            float[] scores = predict(model, rows, vectors, triplets);
            for (int j = 0; j < rows.size(); j++) {
                store(definition, results.get(rows.get(j)), scores[j]);
            }
        } catch (RuntimeException batchFailure) {
            if (rows.size() == 1) {
                logModelFailure(definition, alerts.get(rows.get(0)), batchFailure);
                return;
            }
            // Retry one alert at a time, so that only the alerts the model really fails on lose its score.
            for (int j = 0; j < rows.size(); j++) {
                int row = rows.get(j);
                try {
                    float[] score = predict(model, List.of(row), List.of(vectorOrEmpty(vectors.get(j))), triplets);
                    store(definition, results.get(row), score[0]);
                } catch (RuntimeException e) {
                    logModelFailure(definition, alerts.get(row), e);
                }
            }
        }
    }

    private static float[] vectorOrEmpty(float[] vector) {
        return vector == null ? new float[0] : vector;
    }

    static float[] predict(LoadedModel model, List<Integer> rows, List<float[]> vectors, float[][] triplets) {
        ModelDefinition definition = model.definition();
        int batch = rows.size();
        float[][] data = new float[definition.inputs().size()][];
        long[][] shapes = new long[data.length][];
        for (int k = 0; k < data.length; k++) {
            if (definition.inputs().get(k) == ModelInput.TRIPLET) {
                data[k] = new float[batch * TripletBuilder.LENGTH];
                for (int j = 0; j < batch; j++) {
                    System.arraycopy(
                            triplets[rows.get(j)], 0, data[k], j * TripletBuilder.LENGTH, TripletBuilder.LENGTH);
                }
                shapes[k] = new long[] {batch, TripletBuilder.SIZE, TripletBuilder.SIZE, TripletBuilder.CHANNELS};
            } else {
                int featureCount = definition.featureNames().size();
                data[k] = new float[batch * featureCount];
                for (int j = 0; j < batch; j++) {
                    System.arraycopy(vectors.get(j), 0, data[k], j * featureCount, featureCount);
                }
                shapes[k] = new long[] {batch, featureCount};
            }
        }
        return model.predict(data, shapes);
    }

    private static void store(ModelDefinition definition, Map<String, Object> result, float score) {
        // NOTE: an all-zero cutout gives a NaN score, which is stored as it is, like the original does.
        result.put(definition.name(), (double) score);
        result.put(definition.name() + "_version", definition.version());
    }

    private void logModelFailure(ModelDefinition definition, AlertInput alert, Exception e) {
        log.warn(
                "Failed to run ML model {} on {} alert candid={} objectId={}: {}",
                definition.name(),
                survey,
                alert.candid(),
                alert.objectId(),
                e.getMessage() == null ? e.toString() : e.getMessage());
    }
}
