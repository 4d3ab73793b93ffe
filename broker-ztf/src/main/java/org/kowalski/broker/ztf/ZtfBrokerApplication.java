package org.kowalski.broker.ztf;

import java.util.Map;
import org.kowalski.common.broker.AlertEnricher;
import org.kowalski.common.broker.BrokerConfiguration;
import org.kowalski.common.broker.SurveyAdapter;
import org.kowalski.common.config.ConfigLoader;
import org.kowalski.common.config.InvalidConfigurationException;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.ml.MlScorer;
import org.kowalski.common.spring.KowalskiApplication;
import org.kowalski.common.spring.KowalskiCommonConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The ZTF alert broker: consumes ZTF alerts from Kafka and stores, enriches, filters and posts them. */
@SpringBootApplication
@Import({KowalskiCommonConfiguration.class, BrokerConfiguration.class})
public class ZtfBrokerApplication {

    public static final String SURVEY = "ZTF";
    public static final String SERVICE_NAME = "broker-ztf";

    /** Starts the broker; its health and metrics are served on {@code brokers.ZTF.management_port}. */
    public static ConfigurableApplicationContext start(KowalskiConfig config, String... args) {
        KowalskiConfig.Broker settings = config.brokers().get(SURVEY);
        if (settings == null || settings.managementPort() == null) {
            throw new InvalidConfigurationException("Missing key brokers.ZTF.management_port:"
                    + " set the port of the ZTF broker's health and metrics endpoints in config.yaml");
        }
        return KowalskiApplication.run(
                ZtfBrokerApplication.class, SERVICE_NAME, settings.managementPort(), config, Map.of(), args);
    }

    @Bean
    SurveyAdapter ztfSurveyAdapter(KowalskiConfig config) {
        return new ZtfSurveyAdapter(config);
    }

    /** Scores new alerts with the models of {@code ml.ZTF} before they are stored. */
    @Bean
    AlertEnricher ztfMlEnricher(KowalskiConfig config) {
        return new ZtfMlEnricher(MlScorer.load(config, SURVEY));
    }

    public static void main(String[] args) {
        start(ConfigLoader.load(), args);
    }
}
