package org.kowalski.broker.pgir;

import java.util.Map;
import org.kowalski.common.broker.BrokerConfiguration;
import org.kowalski.common.broker.SurveyAdapter;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.InvalidConfigurationException;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.spring.KowalskiApplication;
import org.kowalski.common.spring.KowalskiCommonConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The PGIR alert broker: consumes PGIR alerts from Kafka and stores, enriches, filters and posts them. */
@SpringBootApplication
@Import({KowalskiCommonConfiguration.class, BrokerConfiguration.class})
public class PgirBrokerApplication {

    public static final String SURVEY = "PGIR";
    public static final String SERVICE_NAME = "broker-pgir";

    /** Starts the broker; its health and metrics are served on {@code brokers.PGIR.management_port}. */
    public static ConfigurableApplicationContext start(KowalskiConfig config, String... args) {
        KowalskiConfig.Broker settings = config.brokers().get(SURVEY);
        if (settings == null || settings.managementPort() == null) {
            throw new InvalidConfigurationException("Missing key brokers.PGIR.management_port:"
                    + " set the port of the PGIR broker's health and metrics endpoints in config.yaml");
        }
        return KowalskiApplication.run(
                PgirBrokerApplication.class, SERVICE_NAME, settings.managementPort(), config, Map.of(), args);
    }

    @Bean
    SurveyAdapter pgirSurveyAdapter(KowalskiConfig config) {
        return new PgirSurveyAdapter(config);
    }

    public static void main(String[] args) {
        start(ConfigLoader.load(), args);
    }
}
