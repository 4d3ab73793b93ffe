package org.kowalski.api;

import java.util.Map;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.spring.KowalskiApplication;
import org.kowalski.common.spring.KowalskiCommonConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/** The HTTP API service: token auth, users, the query engine, filters, skymaps, cutouts and classifications. */
@SpringBootApplication
@Import(KowalskiCommonConfiguration.class)
public class ApiApplication {

    public static final String SERVICE_NAME = "api";

    /** Paths of the OpenAPI document and of Swagger UI; {@code /docs/api/} shows the document in Swagger UI. */
    static final Map<String, Object> DOCS_PROPERTIES = Map.of(
            "springdoc.api-docs.path", "/docs/api/swagger.json",
            "springdoc.swagger-ui.enabled", true,
            "springdoc.swagger-ui.path", "/docs/api/swagger-ui.html",
            "springdoc.swagger-ui.url", "/docs/api/swagger.json");

    /** Starts the API on {@code server.port} with the given configuration. */
    public static ConfigurableApplicationContext start(KowalskiConfig config, String... args) {
        return KowalskiApplication.run(
                ApiApplication.class, SERVICE_NAME, config.server().port(), config, DOCS_PROPERTIES, args);
    }

    public static void main(String[] args) {
        start(ConfigLoader.load(), args);
    }
}
