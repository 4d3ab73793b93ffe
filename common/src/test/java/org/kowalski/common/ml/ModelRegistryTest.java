package org.kowalski.common.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.testing.SharedData;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Loads a mix of good and bad model entries: the good ones must score alerts, and each bad one must be
 * reported by name with its reason. Only the small acai models are used, to keep the test short.
 */
@ExtendWith(OutputCaptureExtension.class)
class ModelRegistryTest {

    private static final String VERSION = "d1_dnn_20201130";
    private static final List<String> FEATURES = List.of(
            "drb",
            "diffmaglim",
            "ra",
            "dec",
            "magpsf",
            "sigmapsf",
            "chipsf",
            "fwhm",
            "sky",
            "chinr",
            "sharpnr",
            "sgscore1",
            "distpsnr1",
            "sgscore2",
            "distpsnr2",
            "sgscore3",
            "distpsnr3",
            "ndethist",
            "ncovhist",
            "scorr",
            "nmtchps",
            "clrcoeff",
            "clrcounc",
            "neargaia",
            "neargaiabright");

    private static HttpServer server;
    private static int requests;

    @TempDir
    static Path configDir;

    @BeforeAll
    static void startModelServer() throws Exception {
        Path served = SharedData.require("models/ztf/acai_n." + VERSION + ".h5");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/models/", exchange -> {
            requests++;
            boolean known = exchange.getRequestURI().getPath().equals("/models/acai_n." + VERSION + ".h5");
            byte[] body = known ? Files.readAllBytes(served) : new byte[0];
            exchange.sendResponseHeaders(known ? 200 : 404, known ? body.length : -1);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterAll
    static void stopModelServer() {
        server.stop(0);
    }

    @Test
    void badModelsAreReportedAndOthersRun(CapturedOutput output) throws Exception {
        Path sourceDir = Files.createDirectories(configDir.resolve("source"));
        Files.copy(
                SharedData.require("models/ztf/acai_h." + VERSION + ".h5"),
                sourceDir.resolve("acai_h." + VERSION + ".h5"));
        Path modelsDir = Files.createDirectories(configDir.resolve("models/ztf"));
        Files.writeString(modelsDir.resolve("acai_o." + VERSION + ".h5"), "not an HDF5 file");
        String baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/models/";

        Map<String, Object> models = new LinkedHashMap<>();
        models.put("acai_h", acai(null));
        models.put("acai_v", acai(null));
        models.put("acai_o", acai(null));
        models.put("acai_n", acai(baseUrl + "acai_n." + VERSION + ".h5"));
        models.put("acai_b", acai(baseUrl + "absent.h5"));
        Map<String, Object> savedModel = acai(null);
        savedModel.put("format", "pb");
        models.put("bts", savedModel);
        Map<String, Object> unknownFeature = acai(null);
        unknownFeature.put("feature_names", "('drb', 'magzpsci')");
        models.put("acai_x", unknownFeature);

        MlScorer scorer = MlScorer.load(config(models, "source"), "ZTF");

        // Loaded: one from the source folder, one downloaded into models/ztf.
        assertThat(scorer.modelNames()).containsExactly("acai_h", "acai_n");
        assertThat(modelsDir.resolve("acai_n." + VERSION + ".h5")).exists();
        assertThat(requests).isEqualTo(2);

        // Each failure names the model and gives its reason, in the result and in the log.
        Map<String, String> failures = scorer.failedModels();
        assertThat(failures).containsOnlyKeys("acai_v", "acai_o", "acai_b", "bts", "acai_x");
        assertThat(failures.get("acai_v")).contains("not found").contains("no url");
        assertThat(failures.get("acai_o")).contains("failed to import").contains("acai_o." + VERSION + ".h5");
        assertThat(failures.get("acai_b")).contains("HTTP status 404");
        assertThat(failures.get("bts")).contains("format pb").contains("not supported");
        assertThat(failures.get("acai_x")).contains("'magzpsci'").contains("allowed_features");
        for (String name : failures.keySet()) {
            assertThat(output.getOut()).contains("ML model " + name + " of ZTF is not loaded");
        }

        // The loaded models still score alerts, with the reference values.
        JsonNode reference = new ObjectMapper()
                .readTree(SharedData.require("data/ml_reference_sample.json").toFile());
        JsonNode expected = reference.get("alerts").get(0);
        AlertInput alert = ZtfAlertInputs.read(SharedData.require("data/ztf_alerts")
                .resolve(expected.get("file").asText()));
        Map<String, Object> scores = scorer.score(alert);
        assertThat(scores).containsOnlyKeys("acai_h", "acai_h_version", "acai_n", "acai_n_version");
        assertThat((Double) scores.get("acai_h"))
                .isCloseTo(expected.get("acai_h").asDouble(), within(1e-5));
        assertThat((Double) scores.get("acai_n"))
                .isCloseTo(expected.get("acai_n").asDouble(), within(1e-5));
    }

    @Test
    void emptyAllowedFeaturesLoadsNothing(CapturedOutput output) {
        Map<String, Object> ztf = new LinkedHashMap<>();
        ztf.put("allowed_features", "()");
        ztf.put("models", Map.of("acai_h", acai(null)));

        MlScorer scorer = MlScorer.load(KowalskiConfig.fromTree(Map.of("ml", Map.of("ZTF", ztf)), configDir), "ZTF");

        assertThat(scorer.modelNames()).isEmpty();
        assertThat(scorer.failedModels()).containsOnlyKeys("acai_h");
        assertThat(output.getOut()).contains("allowed_features is empty");
    }

    private static Map<String, Object> acai(String url) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("triplet", true);
        spec.put("feature_names", FEATURES);
        spec.put("version", VERSION);
        spec.put("order", List.of("features", "triplet"));
        if (url != null) {
            spec.put("url", url);
        }
        return spec;
    }

    private static KowalskiConfig config(Map<String, Object> models, String sourceDir) {
        Map<String, Object> ztf = new LinkedHashMap<>();
        // The original's tuple-literal form of the list.
        ztf.put(
                "allowed_features",
                "("
                        + String.join(
                                ", ", FEATURES.stream().map(f -> "'" + f + "'").toList()) + ")");
        ztf.put("models", models);
        ztf.put("models_source_dir", sourceDir);
        return KowalskiConfig.fromTree(Map.of("ml", Map.of("ZTF", ztf)), configDir);
    }
}
