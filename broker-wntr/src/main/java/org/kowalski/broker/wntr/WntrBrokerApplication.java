package org.kowalski.broker.wntr;

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

/** The WINTER (WNTR) alert broker: consumes WINTER alerts from Kafka and stores, enriches, filters and posts them. */
@SpringBootApplication
@Import({KowalskiCommonConfiguration.class, BrokerConfiguration.class})
public class WntrBrokerApplication {

    public static final String SURVEY = "WNTR";
    public static final String SERVICE_NAME = "broker-wntr";

    /** Starts the broker; its health and metrics are served on {@code brokers.WNTR.management_port}. */
    public static ConfigurableApplicationContext start(KowalskiConfig config, String... args) {
        KowalskiConfig.Broker settings = config.brokers().get(SURVEY);
        if (settings == null || settings.managementPort() == null) {
            throw new InvalidConfigurationException("Missing key brokers.WNTR.management_port:"
                    + " set the port of the WNTR broker's health and metrics endpoints in config.yaml");
        }
        return KowalskiApplication.run(
                WntrBrokerApplication.class, SERVICE_NAME, settings.managementPort(), config, Map.of(), args);
    }

    @Bean
    SurveyAdapter wntrSurveyAdapter(KowalskiConfig config) {
        return new WntrSurveyAdapter(config);
    }

    public static void main(String[] args) {
        start(ConfigLoader.load(), args);
    }
}
