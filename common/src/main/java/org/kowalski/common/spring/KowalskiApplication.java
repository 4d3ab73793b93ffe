package org.kowalski.common.spring;

import java.util.HashMap;
import java.util.Map;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.mongo.MongoConnections;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts one Kowalski service as a Spring Boot application: loads the configuration (or takes the one
 * the launcher loaded), starts the embedded store and Kafka broker when configured, and passes their
 * addresses to Spring as default properties. The configuration is registered as a bean, so every
 * component of the service reads the same {@link KowalskiConfig}.
 */
public final class KowalskiApplication {

    private KowalskiApplication() {}

    /** Runs a service with the configuration found by {@link ConfigLoader#load()}. */
    public static ConfigurableApplicationContext run(Class<?> source, String serviceName, int port, String... args) {
        return run(source, serviceName, port, ConfigLoader.load(), Map.of(), args);
    }

    /**
     * Runs a service.
     *
     * @param source the service's {@code @SpringBootApplication} class
     * @param serviceName name in logs and metrics, such as {@code api} or {@code broker-ztf}
     * @param port the HTTP port of the service (the API, or a broker's health and metrics)
     * @param config the loaded configuration
     * @param extraProperties Spring properties that override the defaults set here
     */
    public static ConfigurableApplicationContext run(
            Class<?> source,
            String serviceName,
            int port,
            KowalskiConfig config,
            Map<String, Object> extraProperties,
            String... args) {
        EmbeddedInfrastructure.ensureStarted(config);

        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.application.name", serviceName);
        properties.put("server.port", port);
        properties.put("spring.mongodb.uri", MongoConnections.connectionString(config));
        properties.put("spring.mongodb.database", config.database().db());
        properties.put("spring.kafka.bootstrap-servers", EmbeddedInfrastructure.bootstrapServers(config));
        properties.put("management.endpoints.web.exposure.include", "health,info,prometheus");
        properties.put("management.endpoint.health.show-details", "always");
        properties.put("management.metrics.tags.service", serviceName);
        if (Boolean.getBoolean(EmbeddedInfrastructure.LAUNCHER_PROPERTY)) {
            properties.put("spring.main.register-shutdown-hook", false);
        }
        properties.putAll(extraProperties);

        SpringApplication application = new SpringApplication(source);
        application.setBannerMode(Banner.Mode.OFF);
        application.setDefaultProperties(properties);
        application.addInitializers(context -> context.getBeanFactory().registerSingleton("kowalskiConfig", config));
        return application.run(args);
    }
}
