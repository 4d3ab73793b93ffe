package org.kowalski.api.skymap;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.kowalski.api.web.ApiException;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Downloads the skymap files that GCN notices link to, over HTTP or HTTPS. Callers block, so they must
 * run off the event loop.
 *
 * <p>The URLs come from the notices that users send. Unlike the Python original, which fetched from any
 * host they named, the server only contacts the hosts listed in {@value #HOSTS_KEY} (empty by default,
 * so no download happens), and it follows no redirect, which could lead to another host.
 */
@Component
class SkymapDownloads {

    private static final Logger log = LoggerFactory.getLogger(SkymapDownloads.class);

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(120);

    /** Maximum size of a downloaded skymap, which bounds the memory that one upload takes. */
    static final long MAX_DOWNLOAD_BYTES = 256L * 1024 * 1024;

    /** Configuration key of the hosts that skymaps may be downloaded from. */
    static final String HOSTS_KEY = "server.skymap_download_hosts";

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final List<String> allowedHosts;

    SkymapDownloads(KowalskiConfig config) {
        this.allowedHosts = allowedHosts(config.get(HOSTS_KEY));
    }

    /**
     * Returns the host names of the configuration value in lower case: a list of names, each either a
     * host ({@code gracedb.ligo.org}) or, with a leading dot, every host of a domain ({@code .nasa.gov}).
     */
    static List<String> allowedHosts(Object configured) {
        if (configured == null) {
            return List.of();
        }
        if (!(configured instanceof List<?> names)) {
            throw new IllegalArgumentException("Invalid " + HOSTS_KEY + ": " + configured
                    + "; set a list of host names, such as [gracedb.ligo.org, .nasa.gov]");
        }
        return names.stream()
                .map(name -> String.valueOf(name).trim().toLowerCase(Locale.ROOT))
                .filter(name -> !name.isEmpty())
                .toList();
    }

    /** Returns whether the URL's host is one that {@value #HOSTS_KEY} lists. */
    boolean isAllowed(URI url) {
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        return allowedHosts.stream()
                .anyMatch(allowed -> allowed.startsWith(".") ? host.endsWith(allowed) : host.equals(allowed));
    }

    /**
     * Downloads the FITS skymap of a {@code {url}} skymap object and reads it, named after the URL's file
     * name. Blocks.
     *
     * @throws ApiException 400 for a URL that is not http or https, a host that {@value #HOSTS_KEY} does
     *     not list, a failed download or a file that is not a HEALPix skymap
     */
    Localization localizationAt(Object url) {
        URI uri = url instanceof String text ? httpUri(text) : null;
        if (uri == null) {
            throw ApiException.badRequest(
                    "Invalid skymap.url " + url + ": send an http or https URL of a HEALPix FITS file");
        }
        if (!isAllowed(uri)) {
            log.warn("Skymap URL {} names host {}, which {} does not list", uri, uri.getHost(), HOSTS_KEY);
            throw ApiException.badRequest("Invalid skymap.url " + uri + ": the server downloads skymaps only from the"
                    + " hosts in " + HOSTS_KEY + "; ask the administrator to add " + uri.getHost()
                    + ", or send the file base64-encoded in skymap.content with skymap.localization_name");
        }
        try {
            return fetch(uri);
        } catch (IOException e) {
            log.warn("Download of skymap {} failed: {}", uri, e.getMessage());
            throw ApiException.badRequest("Invalid skymap.url " + uri + ": " + e.getMessage() + "; try again later");
        }
    }

    /**
     * Downloads the FITS skymap at a URL and reads it, named after the URL's file name. Blocks.
     *
     * @throws IOException when the download fails
     * @throws ApiException 400 when the file is not a HEALPix skymap
     */
    Localization fetch(URI uri) throws IOException {
        byte[] bytes = download(uri);
        try {
            return FitsSkymaps.read(fileName(uri), bytes, "skymap " + uri);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** Returns the last segment of a URL's path, the localization name of a downloaded skymap. */
    static String fileName(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.isBlank() ? uri.toString() : name;
    }

    /** Returns the URL as a URI when its scheme is {@code http} or {@code https}, else {@code null}. */
    static URI httpUri(String url) {
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme();
            if (uri.getHost() != null && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            log.warn("Skymap URL {} is not a valid URI: {}", url, e.getMessage());
        }
        return null;
    }

    /** Returns whether an HTTP HEAD request to the URL returns status 200. A failed request counts as unavailable. */
    boolean isAvailable(URI url) {
        HttpRequest head = HttpRequest.newBuilder(url)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(HEAD_TIMEOUT)
                .build();
        try {
            int status =
                    client.send(head, HttpResponse.BodyHandlers.discarding()).statusCode();
            log.info("HEAD {} returned status {}", url, status);
            return status == 200;
        } catch (IOException e) {
            log.warn("HEAD {} failed, so the skymap counts as unavailable: {}", url, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Downloads the file at a URL.
     *
     * @throws IOException when the request fails, times out, returns a status other than 200 or a body
     *     larger than {@link #MAX_DOWNLOAD_BYTES}
     */
    byte[] download(URI url) throws IOException {
        HttpRequest get =
                HttpRequest.newBuilder(url).GET().timeout(DOWNLOAD_TIMEOUT).build();
        HttpResponse.BodyHandler<byte[]> limitedBody = info -> {
            long length = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (info.statusCode() != 200 || length > MAX_DOWNLOAD_BYTES) {
                return BodySubscribers.replacing(null);
            }
            return BodySubscribers.ofByteArray();
        };
        HttpResponse<byte[]> response;
        try {
            response = client.sendAsync(get, limitedBody).get(DOWNLOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException("GET " + url + " timed out after " + DOWNLOAD_TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new IOException("GET " + url + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("GET " + url + " was interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " returned status " + response.statusCode());
        }
        byte[] body = response.body();
        if (body == null || body.length > MAX_DOWNLOAD_BYTES) {
            throw new IOException("GET " + url + " returned more than " + MAX_DOWNLOAD_BYTES + " bytes");
        }
        log.info("Downloaded skymap {} ({} bytes)", url, body.length);
        return body;
    }
}
