package org.kowalski.bench.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.kowalski.bench.BenchConfigs;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.ml.ModelDefinition;

/**
 * The scenario settings of {@code make bench}: no catalogs, models or filters in run (a); one catalog
 * cone of 2" in (b); the six ZTF models from the local model folder in (c); 25 filters in (d). Runs (b)
 * to (d) may use a smaller batch than the configured one, so that a run that reaches its time limit
 * counts its alerts in smaller steps.
 */
public final class BenchScenarioSettings implements BrokerBench.ScenarioSettings {

    /** Number of active filters of run (d). */
    public static final int FILTERS = 25;

    private final String catalog;
    private final Path modelsDir;
    private final int maxPollRecords;

    /**
     * @param catalog the catalog collection cross-matched from run (b) on
     * @param modelsDir the folder with the six ZTF {@code .h5} models; the configured {@code url} of each
     *     model is replaced by its file there, so that no model is ever downloaded
     * @param maxPollRecords the broker's largest batch ({@code brokers.ZTF.max_poll_records}) from run (b)
     *     on; run (a) keeps the configured one
     */
    public BenchScenarioSettings(String catalog, Path modelsDir, int maxPollRecords) {
        this.catalog = catalog;
        this.modelsDir = modelsDir;
        this.maxPollRecords = maxPollRecords;
    }

    @Override
    public void apply(Map<String, Object> tree, BrokerScenario scenario, int threads, String topicPrefix) {
        BrokerBench.applyBrokerSettings(
                tree, threads, topicPrefix, scenario.crossMatches() ? Integer.valueOf(maxPollRecords) : null);

        Map<String, Object> xmatch = BenchConfigs.path(tree, "database.xmatch");
        Map<String, Object> catalogs = new LinkedHashMap<>();
        if (scenario.crossMatches()) {
            Map<String, Object> cone = new LinkedHashMap<>();
            cone.put("cone_search_radius", 2);
            cone.put("cone_search_unit", "arcsec");
            cone.put("filter", new LinkedHashMap<>());
            cone.put("projection", new LinkedHashMap<>(Map.of("_id", 1, "coordinates.radec_str", 1, "mag", 1)));
            catalogs.put(catalog, cone);
        }
        xmatch.put("ZTF", catalogs);

        Map<String, Object> ml = BenchConfigs.section(tree, "ml");
        if (scenario.scores()) {
            useLocalModelFiles(BenchConfigs.path(tree, "ml.ZTF"));
        } else {
            ml.remove("ZTF");
        }
    }

    /**
     * Returns why the configured ZTF models cannot all be loaded from local files, or {@code null} when
     * they can. The broker looks for {@code models/ztf/<name>.<version>.h5} under the configuration folder,
     * then in {@code ml.ZTF.models_source_dir} under that name or the url's file name.
     *
     * @param config a configuration built with {@link #apply} for a scenario that scores
     */
    public String modelsUnavailable(KowalskiConfig config) {
        KowalskiConfig.MlSurvey ztf = config.ml().get("ZTF");
        if (ztf == null || ztf.models().isEmpty()) {
            return "the configuration lists no ZTF models under ml.ZTF.models";
        }
        Path modelsFolder = config.resolvePath("models/ztf");
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, KowalskiConfig.ModelSpec> entry : ztf.models().entrySet()) {
            String fileName = ModelDefinition.fromSpec(entry.getKey(), entry.getValue(), ztf.allowedFeatureNames())
                    .fileName();
            String url = entry.getValue().url();
            boolean found = Files.isRegularFile(modelsFolder.resolve(fileName))
                    || Files.isRegularFile(modelsDir.resolve(fileName))
                    || (url != null && Files.isRegularFile(Path.of(url)));
            if (!found) {
                missing.add(entry.getKey());
            }
        }
        if (missing.isEmpty()) {
            return null;
        }
        return "the files of the ZTF models " + missing + " are neither in " + modelsFolder + " nor in " + modelsDir
                + ", and the benchmark never downloads a model";
    }

    /**
     * Points {@code ml.ZTF.models_source_dir} at the local model folder and replaces each model's {@code url}
     * by the file of the same name in that folder. The broker copies a url without a scheme as a local
     * path, so a missing file leaves its model out instead of being downloaded.
     */
    @SuppressWarnings("unchecked")
    private void useLocalModelFiles(Map<String, Object> ztf) {
        ztf.put("models_source_dir", modelsDir.toAbsolutePath().toString());
        if (!(ztf.get("models") instanceof Map<?, ?> models)) {
            return;
        }
        for (Map.Entry<?, ?> entry : models.entrySet()) {
            if (entry.getValue() instanceof Map<?, ?> model && model.get("url") != null) {
                String url = model.get("url").toString();
                Path localFile = modelsDir.resolve(url.substring(url.lastIndexOf('/') + 1));
                ((Map<String, Object>) model)
                        .put("url", localFile.toAbsolutePath().toString());
            }
        }
    }

    /**
     * Returns 25 filters of the kinds astronomers run: cuts on the real-bogus scores, magnitudes, history
     * length and galactic latitude, some with an {@code $addFields} step, all for program 1. Each document
     * has the fields, types and order that the filters API writes for a new filter without autosave or
     * auto_followup, so the broker loads them as it loads users' filters.
     */
    @Override
    public List<Document> filterDocuments() {
        List<Document> filters = new ArrayList<>();
        for (int i = 0; i < FILTERS; i++) {
            // Six characters of [a-z0-9], like the version ids the filters API draws.
            String fid = String.format(java.util.Locale.ROOT, "bf%04d", i);
            String pipeline = switch (i % 5) {
                case 0 ->
                    "[{\"$match\": {\"candidate.drb\": {\"$gt\": " + (0.5 + 0.01 * i)
                            + "}, \"candidate.isdiffpos\": {\"$in\": [\"t\", \"1\"]}}},"
                            + " {\"$project\": {\"_id\": 0, \"candid\": 1, \"objectId\": 1}}]";
                case 1 ->
                    "[{\"$match\": {\"candidate.magpsf\": {\"$lt\": " + (18.0 + 0.1 * i)
                            + "}, \"candidate.ndethist\": {\"$gte\": 2}}},"
                            + " {\"$project\": {\"_id\": 0, \"candid\": 1, \"objectId\": 1, \"candidate.magpsf\": 1}}]";
                case 2 ->
                    "[{\"$addFields\": {\"n_prv\": {\"$size\": {\"$ifNull\": [\"$prv_candidates\", []]}}}},"
                            + " {\"$match\": {\"n_prv\": {\"$gte\": " + (i % 7) + "}}},"
                            + " {\"$project\": {\"_id\": 0, \"candid\": 1, \"objectId\": 1, \"n_prv\": 1}}]";
                case 3 ->
                    "[{\"$match\": {\"coordinates.b\": {\"$gt\": " + (-10 + i)
                            + "}, \"candidate.rb\": {\"$gt\": 0.3}}},"
                            + " {\"$project\": {\"_id\": 0, \"candid\": 1, \"objectId\": 1}}]";
                default ->
                    "[{\"$match\": {\"classifications.braai\": {\"$gt\": " + (0.1 + 0.02 * i) + "}}},"
                            + " {\"$project\": {\"_id\": 0, \"candid\": 1, \"objectId\": 1,"
                            + " \"annotations.braai\": \"$classifications.braai\"}}]";
            };
            Date now = new Date();
            Document version =
                    new Document("fid", fid).append("pipeline", pipeline).append("created_at", now);
            filters.add(new Document("filter_id", 1000 + i)
                    .append("group_id", 100 + i)
                    .append("catalog", "ZTF_alerts")
                    .append("permissions", List.of(1, 2, 3))
                    .append("active", true)
                    .append("autosave", false)
                    .append("auto_followup", new Document())
                    .append("update_annotations", false)
                    .append("active_fid", fid)
                    .append("fv", List.of(version))
                    .append("created_at", now)
                    .append("last_modified", now));
        }
        return filters;
    }
}
