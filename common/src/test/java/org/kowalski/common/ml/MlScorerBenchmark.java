package org.kowalski.common.ml;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.testing.SharedData;
import org.kowalski.common.testing.TestConfigs;

/**
 * Measures the CPU time of ML scoring per alert on the 36 ZTF sample alerts: preprocessing alone, each
 * model alone (as DL4J imports it, as {@link InferenceNetworks} rebuilds it, for the acai models rebuilt with
 * merged separable convolutions, and on ONNX Runtime), and {@link MlScorer#score(List)} with all six models
 * on ONNX Runtime at several batch sizes and with DL4J at batch 8. Each figure is the median of {@code rounds} rounds over all alerts, after warm-up rounds.
 *
 * <p>CPU time is the whole process's (every JVM and OpenMP thread), so other load on the machine does not
 * count, but this process's garbage collection and JIT threads do. Run it with:
 *
 * <pre>
 * mvn -B -q -o -pl common test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * OMP_NUM_THREADS=1 java -cp common/target/test-classes:common/target/classes:$(cat common/target/cp.txt) \
 *     org.kowalski.common.ml.MlScorerBenchmark [rounds]
 * </pre>
 */
public final class MlScorerBenchmark {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private MlScorerBenchmark() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        // "quick" times braai, one acai model and score() at batch 1 only.
        boolean quick = args.length > 1 && args[1].equals("quick");
        Path models = SharedData.require("models/ztf");
        Path alertsDir = SharedData.require("data/ztf_alerts");
        MlScorer scorer = MlScorer.load(configWithEngine(models, "onnxruntime"), "ZTF");
        String workspaceMode = System.getProperty("kowalski.bench.workspaces");
        List<AlertInput> alerts = new ArrayList<>(ZtfAlertInputs.readFolder(alertsDir.resolve("20200202")));
        alerts.addAll(ZtfAlertInputs.readFolder(alertsDir.resolve("20231012")));
        System.out.printf(
                "alerts=%d rounds=%d OMP_NUM_THREADS=%s processors=%d%n",
                alerts.size(),
                rounds,
                System.getenv("OMP_NUM_THREADS"),
                Runtime.getRuntime().availableProcessors());

        report("preprocessing (features + triplet)", alerts.size(), rounds, () -> {
            for (AlertInput alert : alerts) {
                AlertFeatures.of(alert);
                TripletBuilder.build(alert.cutoutScience(), alert.cutoutTemplate(), alert.cutoutDifference());
            }
        });

        float[][] triplets = new float[alerts.size()][];
        List<AlertFeatures> features = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
            AlertInput alert = alerts.get(i);
            triplets[i] = TripletBuilder.build(alert.cutoutScience(), alert.cutoutTemplate(), alert.cutoutDifference());
            features.add(AlertFeatures.of(alert));
        }
        for (LoadedModel model : scorer.loadedModels()) {
            String name = model.definition().name();
            if (quick && !name.equals("braai") && !name.equals("acai_h")) {
                continue;
            }
            // The network as DL4J imports it, before the rebuild that MlScorer applies, and rebuilt with each
            // separable convolution merged into one full convolution, for comparison.
            LoadedModel imported =
                    KerasModelImporter.importModel(model.definition(), SampleModels.file(models, model.definition()));
            LoadedModel merged = imported.rebuiltForInference(InferenceNetworks.SeparableMode.MERGED);
            LoadedModel rebuilt = imported.rebuiltForInference();
            if (workspaceMode != null) {
                for (LoadedModel network : List.of(imported, merged, rebuilt)) {
                    network.setInferenceWorkspaceMode(WorkspaceMode.valueOf(workspaceMode));
                }
            }
            for (int batch : quick ? new int[] {1} : new int[] {1, 8}) {
                report(
                        "model " + name + " as imported, batch " + batch,
                        alerts.size(),
                        rounds,
                        () -> runModel(imported, features, triplets, batch));
                if (!name.equals("braai")) {
                    report(
                            "model " + name + " merged, batch " + batch,
                            alerts.size(),
                            rounds,
                            () -> runModel(merged, features, triplets, batch));
                }
                report(
                        "model " + name + " rebuilt, batch " + batch,
                        alerts.size(),
                        rounds,
                        () -> runModel(rebuilt, features, triplets, batch));
                report(
                        "model " + name + " on ONNX Runtime, batch " + batch,
                        alerts.size(),
                        rounds,
                        () -> runModel(model, features, triplets, batch));
            }
        }

        for (int batch : quick ? new int[] {1} : new int[] {1, 4, 8, 36}) {
            MlScorer batched = scorer.withMaxBatchSize(batch);
            report("score(), ONNX Runtime, batch " + batch, alerts.size(), rounds, () -> batched.score(alerts));
        }
        MlScorer dl4j = MlScorer.load(configWithEngine(models, "dl4j"), "ZTF");
        report("score(), DL4J, batch 8", alerts.size(), rounds, () -> dl4j.score(alerts));
    }

    private static KowalskiConfig configWithEngine(Path models, String engine) {
        return TestConfigs.embedded(
                Map.of("ml", Map.of("ZTF", Map.of("models_source_dir", models.toString(), "engine", engine))));
    }

    private static void runModel(LoadedModel model, List<AlertFeatures> features, float[][] triplets, int batch) {
        List<String> names = model.definition().featureNames();
        for (int start = 0; start < triplets.length; start += batch) {
            List<Integer> rows = new ArrayList<>();
            List<float[]> vectors = new ArrayList<>();
            for (int row = start; row < Math.min(triplets.length, start + batch); row++) {
                rows.add(row);
                vectors.add(names.isEmpty() ? null : features.get(row).vector(names));
            }
            MlScorer.predict(model, rows, vectors, triplets);
        }
    }

    private static void report(String label, int alerts, int rounds, Runnable work) {
        for (int i = 0; i < 2; i++) {
            work.run();
        }
        double[] cpuMs = new double[rounds];
        double[] wallMs = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long cpuStart = OS.getProcessCpuTime();
            long wallStart = System.nanoTime();
            work.run();
            cpuMs[i] = (OS.getProcessCpuTime() - cpuStart) / 1e6 / alerts;
            wallMs[i] = (System.nanoTime() - wallStart) / 1e6 / alerts;
        }
        System.out.printf(
                "%-45s CPU %7.2f ms/alert (median; min %.2f)   wall %7.2f ms/alert%n",
                label, median(cpuMs), Arrays.stream(cpuMs).min().orElse(0), median(wallMs));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
