package org.kowalski.common.ml;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the file of a model: {@code <modelsDir>/<name>.<version>.h5}, else the same name or the url's file
 * name in the source folder, else a copy fetched from the model's {@code url} into {@code modelsDir}.
 *
 * <p>A url without a scheme is a local path, copied as the original's {@code cp} did. Only {@code http}
 * and {@code https} urls are downloaded.
 */
final class ModelFiles {

    private static final Logger log = LoggerFactory.getLogger(ModelFiles.class);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(5);

    private final Path modelsDir;
    private final Path sourceDir;
    private final Path configDir;

    /**
     * @param modelsDir the survey's model folder, such as {@code models/ztf}
     * @param sourceDir a folder to take missing files from, or {@code null}
     * @param configDir the folder that relative local urls are resolved against
     */
    ModelFiles(Path modelsDir, Path sourceDir, Path configDir) {
        this.modelsDir = modelsDir;
        this.sourceDir = sourceDir;
        this.configDir = configDir;
    }

    /**
     * Returns a readable file for the model, fetching it when needed.
     *
     * @throws IOException naming the places searched when the model is nowhere, or the download failure
     */
    Path locate(ModelDefinition model) throws IOException {
        Path target = modelsDir.resolve(model.fileName());
        if (Files.isRegularFile(target)) {
            return target;
        }

        List<Path> searched = new ArrayList<>(List.of(target));
        if (sourceDir != null && Files.isDirectory(sourceDir)) {
            for (String candidate : sourceFileNames(model)) {
                Path source = sourceDir.resolve(candidate);
                if (Files.isRegularFile(source)) {
                    log.info("Model {} taken from the source folder: {}", model.name(), source);
                    return source;
                }
                searched.add(source);
            }
        }

        if (model.url() == null || model.url().isBlank()) {
            throw new IOException("model file not found (searched " + searched + ") and the model has no url:"
                    + " put the file at " + target + " or set a url");
        }
        fetch(model, target);
        return target;
    }

    private static List<String> sourceFileNames(ModelDefinition model) {
        List<String> names = new ArrayList<>(List.of(model.fileName()));
        String urlFileName = urlFileName(model.url());
        if (urlFileName != null && !names.contains(urlFileName)) {
            names.add(urlFileName);
        }
        return names;
    }

    private static String urlFileName(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String path = url.contains("://") ? URI.create(url).getPath() : url;
        if (path == null || path.endsWith("/")) {
            return null;
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private void fetch(ModelDefinition model, Path target) throws IOException {
        Files.createDirectories(modelsDir);
        Path partial = Files.createTempFile(modelsDir, model.fileName(), ".part");
        try {
            String url = model.url().trim();
            if (url.contains("://")) {
                download(model, URI.create(url), partial);
            } else {
                Path source = configDir.resolve(url).normalize();
                log.info("Copying model {} from {} to {}", model.name(), source, target);
                Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static void download(ModelDefinition model, URI uri, Path partial) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IOException("url " + uri + " has an unsupported scheme: use http, https or a local path");
        }
        log.info("Downloading model {} from {}", model.name(), uri);
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpRequest request =
                HttpRequest.newBuilder(uri).timeout(DOWNLOAD_TIMEOUT).GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("download from " + uri + " failed with HTTP status " + response.statusCode());
                }
                long bytes = Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
                log.info("Downloaded model {}: {} bytes", model.name(), bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download from " + uri + " was interrupted", e);
        }
    }
}
