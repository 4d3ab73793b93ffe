package org.kowalski.api.testing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kowalski.api.ApiApplication;
import org.kowalski.api.auth.JwtService;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.testing.TestConfigs;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The API started on a free loopback port with the embedded store. {@link #shared()} returns one
 * instance with the test defaults for every test class of the JVM, which saves a start-up per class;
 * {@link #start(Map)} starts a separate one with other settings, to be closed by its test class.
 */
public final class RunningApi implements AutoCloseable {

    private static RunningApi shared;

    private final ConfigurableApplicationContext context;
    private final KowalskiConfig config;
    private final String baseUrl;

    private RunningApi(ConfigurableApplicationContext context, KowalskiConfig config) {
        this.context = context;
        this.config = config;
        this.baseUrl = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    /** Starts the API with the test defaults and {@code overrides} (a partial {@code kowalski} tree). */
    public static RunningApi start(Map<String, Object> overrides) {
        Map<String, Object> tree = new LinkedHashMap<>(overrides);
        @SuppressWarnings("unchecked")
        Map<String, Object> server = new LinkedHashMap<>((Map<String, Object>) tree.getOrDefault("server", Map.of()));
        server.putIfAbsent("port", 0);
        tree.put("server", server);
        KowalskiConfig config = TestConfigs.embedded(tree);
        return new RunningApi(ApiApplication.start(config), config);
    }

    /** Returns the API with the test defaults shared by all test classes, started on first use. */
    public static synchronized RunningApi shared() {
        if (shared == null) {
            // Skymap downloads in the tests come from file servers on the loopback address only.
            shared = start(Map.of("server", Map.of("skymap_download_hosts", List.of("127.0.0.1"))));
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "shared-api-stop"));
        }
        return shared;
    }

    /** Returns a client for this server with a generous time-out for a loaded test machine. */
    public WebTestClient client() {
        return WebTestClient.bindToServer()
                .baseUrl(baseUrl)
                .responseTimeout(Duration.ofSeconds(120))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024))
                .build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    public KowalskiConfig config() {
        return config;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** Returns a token for any user name, signed with the server's key. */
    public String tokenFor(String username) {
        return bean(JwtService.class).issue(username);
    }

    /** Returns a token of the admin user. */
    public String adminToken() {
        return tokenFor(config.server().adminUsername());
    }

    @Override
    public void close() {
        context.close();
    }
}
