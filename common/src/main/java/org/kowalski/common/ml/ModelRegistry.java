package org.kowalski.common.ml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.config.KowalskiConfig.MlSurvey;
import org.kowalski.common.config.KowalskiConfig.ModelSpec;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the models configured under {@code ml.<SURVEY>.models}, in configuration order. A model that is
 * invalid, missing or not importable is logged by name with the reason and left out, and the others still
 * load, as in the original broker.
 */
final class ModelRegistry {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    private final List<LoadedModel> models;
    private final Map<String, String> failures;

    private ModelRegistry(List<LoadedModel> models, Map<String, String> failures) {
        this.models = List.copyOf(models);
        this.failures = Collections.unmodifiableMap(failures);
    }

    List<LoadedModel> models() {
        return models;
    }

    /** Returns the reason each configured model was left out, by model name. */
    Map<String, String> failures() {
        return failures;
    }

    static ModelRegistry load(KowalskiConfig config, String survey) {
        List<LoadedModel> loaded = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        MlSurvey surveyConfig = config.ml().get(survey);
        if (surveyConfig == null || surveyConfig.models().isEmpty()) {
            log.info("No ML models configured for {} under ml.{}.models", survey, survey);
            return new ModelRegistry(loaded, failures);
        }
        List<String> allowedFeatures = surveyConfig.allowedFeatureNames();
        if (allowedFeatures.isEmpty()) {
            // The original loads no model at all when allowed_features is empty or missing.
            log.warn(
                    "ml.{}.allowed_features is empty, so no ML model is loaded: list the features the models"
                            + " may use",
                    survey);
            surveyConfig.models().keySet().forEach(name -> failures.put(name, "allowed_features is empty"));
            return new ModelRegistry(loaded, failures);
        }

        try {
            limitNativeThreads();
        } catch (RuntimeException | LinkageError e) {
            String reason = "the ND4J native backend failed to load: " + e;
            log.error("No ML model of {} is loaded: {}", survey, reason, e);
            surveyConfig.models().keySet().forEach(name -> failures.put(name, reason));
            return new ModelRegistry(loaded, failures);
        }
        Path modelsDir = config.resolvePath("models/" + survey.toLowerCase(Locale.ROOT));
        Path sourceDir =
                surveyConfig.modelsSourceDir() == null ? null : config.resolvePath(surveyConfig.modelsSourceDir());
        ModelFiles files = new ModelFiles(modelsDir, sourceDir, config.baseDir());
        String engine = surveyConfig.engineOrDefault();

        for (Map.Entry<String, ModelSpec> entry : surveyConfig.models().entrySet()) {
            String name = entry.getKey();
            try {
                loaded.add(loadOne(survey, name, entry.getValue(), allowedFeatures, files, engine));
            } catch (IllegalArgumentException e) {
                fail(
                        failures,
                        survey,
                        name,
                        "invalid configuration under ml." + survey + ".models." + name + ": " + e.getMessage());
            } catch (ModelLoadingException e) {
                fail(failures, survey, name, e.getMessage());
            } catch (java.io.IOException e) {
                fail(failures, survey, name, e.getMessage());
            }
        }
        log.info(
                "ML models of {}: {} loaded {}, {} left out {}",
                survey,
                loaded.size(),
                loaded.stream().map(model -> model.definition().name()).toList(),
                failures.size(),
                failures.keySet());
        return new ModelRegistry(loaded, failures);
    }

    /**
     * Sets ND4J's OpenMP and BLAS threads to 1 unless {@code OMP_NUM_THREADS} is set. These models are small,
     * so more threads only add synchronisation: with 2 threads on 2 busy cores they took about 5 times the
     * CPU time of 1 thread in {@code MlScorerBenchmark}.
     */
    private static void limitNativeThreads() {
        if (System.getenv("OMP_NUM_THREADS") != null) {
            return;
        }
        // Nd4j first: its initialisation loads the native backend that NativeOpsHolder needs.
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
        log.info("ND4J set to 1 OpenMP thread for the ML models (set OMP_NUM_THREADS to choose another number)");
    }

    private static LoadedModel loadOne(
            String survey, String name, ModelSpec spec, List<String> allowedFeatures, ModelFiles files, String engine)
            throws java.io.IOException {
        ModelDefinition definition = ModelDefinition.fromSpec(name, spec, allowedFeatures);
        if (definition.format().equals("pb")) {
            throw new ModelLoadingException("format pb (TensorFlow SavedModel) is not supported: only Keras HDF5"
                    + " (format h5) models can be run, so save the model as .h5 or remove it from ml." + survey
                    + ".models");
        }
        if (definition.featureNorms() != null && !definition.featureNorms().isEmpty()) {
            log.warn(
                    "ML model {} of {}: feature_norms are not applied, because the original broker never"
                            + " applied them (it looks them up by feature value): the model gets raw feature values",
                    name,
                    survey);
        }

        long startNs = System.nanoTime();
        Path file = files.locate(definition);
        LoadedModel imported = KerasModelImporter.importModel(definition, file);
        LoadedModel model = null;
        if (engine.equals("onnxruntime")) {
            model = onOnnxRuntime(survey, imported);
        }
        if (model == null) {
            model = rebuiltForDl4j(survey, imported);
        }
        log.info(
                "ML model {} version {} of {} loaded from {} in {} ms, run by {}",
                name,
                definition.version(),
                survey,
                file,
                (System.nanoTime() - startNs) / 1_000_000,
                model.engine());
        return model;
    }

    /** Returns the model run by ONNX Runtime, or null, with a warning, when ONNX Runtime cannot run it. */
    private static LoadedModel onOnnxRuntime(String survey, LoadedModel imported) {
        String name = imported.definition().name();
        try {
            return imported.onOnnxRuntime();
        } catch (UnsupportedOperationException | ai.onnxruntime.OrtException | IllegalStateException e) {
            log.warn(
                    "ML model {} of {} cannot run on ONNX Runtime, so DL4J runs it (more slowly): {}",
                    name,
                    survey,
                    e.getMessage());
        } catch (LinkageError e) {
            log.warn(
                    "ONNX Runtime's native library failed to load, so DL4J runs ML model {} of {} (more slowly): {}",
                    name,
                    survey,
                    e.toString());
        }
        return null;
    }

    /** Returns the model rebuilt by {@link InferenceNetworks}, or as imported when the rebuild fails. */
    private static LoadedModel rebuiltForDl4j(String survey, LoadedModel imported) {
        try {
            return imported.rebuiltForInference();
        } catch (RuntimeException e) {
            // DL4J reports unsupported layer settings with unchecked exceptions. The imported network still
            // gives the same scores, only more slowly.
            log.warn(
                    "ML model {} of {}: rebuilding its convolutions for faster inference failed, so it runs as"
                            + " imported: {}",
                    imported.definition().name(),
                    survey,
                    e.toString());
            return imported;
        }
    }

    private static void fail(Map<String, String> failures, String survey, String name, String reason) {
        failures.put(name, reason);
        log.error("ML model {} of {} is not loaded and will not score alerts: {}", name, survey, reason);
    }
}
