package org.kowalski.common.spring;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoDatabase;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.mongo.CollectionInitializer;
import org.kowalski.common.mongo.MongoConnections;
import org.kowalski.common.sky.SkyQuery;
import org.kowalski.common.xmatch.CatalogCrossMatcher;
import org.kowalski.common.xmatch.LatestZtfAlertMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * The beans every service shares: the configuration, the MongoDB client and database with the
 * configured collections and indexes in place, and the start and stop log lines. Services import it.
 */
@Configuration(proxyBeanMethods = false)
public class KowalskiCommonConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KowalskiCommonConfiguration.class);

    /** Used when the service was not started through {@link KowalskiApplication}, which registers its own. */
    @Bean
    @ConditionalOnMissingBean(KowalskiConfig.class)
    KowalskiConfig kowalskiConfig() {
        return ConfigLoader.load();
    }

    @Bean(destroyMethod = "close")
    MongoClient mongoClient(KowalskiConfig config) {
        EmbeddedInfrastructure.ensureStarted(config);
        return MongoConnections.connect(config);
    }

    @Bean
    MongoDatabase kowalskiDatabase(MongoClient client, KowalskiConfig config) {
        MongoDatabase database = client.getDatabase(config.database().db());
        CollectionInitializer.initialize(database, config);
        return database;
    }

    /** Named as Boot's MongoDB contributor so that Boot's own, which sends 'hello', backs off. */
    @Bean
    SkyQuery skyQuery(KowalskiConfig config) {
        return SkyQuery.forConfig(config);
    }

    @Bean
    CatalogCrossMatcher catalogCrossMatcher(MongoDatabase database, SkyQuery skyQuery, KowalskiConfig config) {
        return new CatalogCrossMatcher(database, skyQuery, config);
    }

    @Bean
    LatestZtfAlertMatcher latestZtfAlertMatcher(MongoDatabase database, SkyQuery skyQuery, KowalskiConfig config) {
        return new LatestZtfAlertMatcher(database, skyQuery, config);
    }

    @Bean
    StoreHealthIndicator mongoHealthContributor(MongoClient client, KowalskiConfig config) {
        return new StoreHealthIndicator(client, config);
    }

    @Bean(destroyMethod = "close")
    KafkaHealthIndicator kafkaHealthIndicator(KowalskiConfig config) {
        return new KafkaHealthIndicator(EmbeddedInfrastructure.bootstrapServers(config));
    }

    @EventListener
    void logStart(ApplicationReadyEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        KowalskiConfig config = event.getApplicationContext().getBean(KowalskiConfig.class);
        log.info(
                "Kowalski {} {} started on port {}: store {}, Kafka {}",
                env.getProperty("spring.application.name"),
                config.server().version(),
                env.getProperty("local.server.port", env.getProperty("server.port")),
                MongoConnections.describe(config),
                (config.kafka().isEmbedded() ? "embedded at " : "at ")
                        + EmbeddedInfrastructure.bootstrapServers(config));
    }

    @EventListener
    void logStop(ContextClosedEvent event) {
        log.info(
                "Kowalski {} stopping",
                event.getApplicationContext().getEnvironment().getProperty("spring.application.name"));
    }
}
