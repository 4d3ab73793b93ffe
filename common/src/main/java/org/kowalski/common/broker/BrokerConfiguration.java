package org.kowalski.common.broker;

import com.mongodb.WriteConcern;
import com.mongodb.reactivestreams.client.MongoDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.bson.Document;
import org.kowalski.common.alert.AlertStore;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.filter.AlertFilterStage;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.xmatch.CatalogCrossMatcher;
import org.kowalski.common.xmatch.LatestZtfAlertCrossMatcher;
import org.kowalski.common.xmatch.LatestZtfAlertMatcher;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The beans of a survey broker around its {@link SurveyAdapter} bean: the alert store, the pipeline
 * with the enrichment, cross-match and post-store hooks found in the context, the metrics, the
 * dead-letter publisher and the consumer. A broker application imports it next to {@code
 * KowalskiCommonConfiguration} and declares its adapter.
 *
 * <p>The survey's user filters always run first among the post-store stages. Hooks are optional beans:
 * any number of {@link AlertEnricher} and {@link PostStoreStage} beans (run in {@code @Order}), at most
 * one {@link CrossMatcher} (by default the {@link CatalogCrossMatcher} of {@code
 * database.xmatch.<SURVEY>}, plus the newest ZTF alert when {@link SurveyAdapter#matchesLatestZtfAlert()}
 * is true), and a {@link Clock} for the topic dates (the system clock otherwise).
 */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

    @Bean
    AlertStore alertStore(MongoDatabase database, KowalskiConfig config, SurveyAdapter adapter) {
        return new AlertStore(
                database,
                config.collection(adapter.alertsCollectionKey()),
                config.collection(adapter.auxCollectionKey()),
                adapter.forcedPhotometry(),
                durableWriteConcern(config));
    }

    /**
     * Returns the write concern after which an alert counts as stored: a majority of a replica set, or
     * the journal of a single server.
     */
    static WriteConcern durableWriteConcern(KowalskiConfig config) {
        if (config.database().isEmbedded()) {
            return WriteConcern.ACKNOWLEDGED;
        }
        boolean replicaSet = config.database().replicaSet() != null
                && !config.database().replicaSet().isBlank();
        return replicaSet ? WriteConcern.MAJORITY : WriteConcern.JOURNALED;
    }

    @Bean
    BrokerMetrics brokerMetrics(ObjectProvider<MeterRegistry> registry, SurveyAdapter adapter) {
        return new BrokerMetrics(registry.getIfAvailable(SimpleMeterRegistry::new), adapter.survey());
    }

    @Bean(destroyMethod = "close")
    DeadLetterPublisher deadLetterPublisher(KowalskiConfig config) {
        return new DeadLetterPublisher(EmbeddedInfrastructure.bootstrapServers(config));
    }

    @Bean
    AlertPipeline alertPipeline(
            SurveyAdapter adapter,
            AlertStore store,
            ObjectProvider<AlertEnricher> enrichers,
            ObjectProvider<CrossMatcher> crossMatcher,
            ObjectProvider<CatalogCrossMatcher> catalogs,
            ObjectProvider<LatestZtfAlertMatcher> latestZtfAlert,
            ObjectProvider<PostStoreStage> postStoreStages,
            DeadLetterPublisher deadLetters,
            BrokerMetrics metrics,
            KowalskiConfig config) {
        Runnable afterBatch = config.database().isEmbedded() ? EmbeddedInfrastructure::commitStore : () -> {};
        return new AlertPipeline(
                adapter,
                store,
                enrichers.orderedStream().toList(),
                crossMatcher.getIfAvailable(() -> defaultCrossMatcher(adapter, catalogs, latestZtfAlert)),
                postStoreStages.orderedStream().toList(),
                deadLetters,
                metrics,
                afterBatch);
    }

    /**
     * Returns the cross-match against the survey's configured catalogs, with the newest public ZTF alert
     * added when the adapter asks for it.
     */
    static CrossMatcher defaultCrossMatcher(
            SurveyAdapter adapter,
            ObjectProvider<CatalogCrossMatcher> catalogs,
            ObjectProvider<LatestZtfAlertMatcher> latestZtfAlert) {
        CrossMatcher catalogMatches = catalogCrossMatch(catalogs.getIfAvailable(), adapter);
        if (!adapter.matchesLatestZtfAlert()) {
            return catalogMatches;
        }
        LatestZtfAlertMatcher matcher = latestZtfAlert.getIfAvailable();
        if (matcher == null) {
            throw new IllegalStateException("The " + adapter.survey() + " broker matches alerts with the newest ZTF"
                    + " alert but has no LatestZtfAlertMatcher bean: import KowalskiCommonConfiguration");
        }
        return new LatestZtfAlertCrossMatcher(adapter.survey(), catalogMatches, matcher);
    }

    /** Returns the cross-match against the survey's configured catalogs, or none without a matcher. */
    static CrossMatcher catalogCrossMatch(CatalogCrossMatcher catalogs, SurveyAdapter adapter) {
        if (catalogs == null) {
            return CrossMatcher.NONE;
        }
        return alert -> {
            Document candidate = alert.candidate();
            return catalogs.crossMatch(
                    adapter.survey(),
                    alert.objectId(),
                    ((Number) candidate.get("ra")).doubleValue(),
                    ((Number) candidate.get("dec")).doubleValue());
        };
    }

    /** The survey's user filters, with SkyPortal posting when {@code misc.broker} is true. */
    @Bean(initMethod = "start", destroyMethod = "close")
    AlertFilterStage alertFilterStage(
            KowalskiConfig config,
            MongoDatabase database,
            SurveyAdapter adapter,
            ObjectProvider<MeterRegistry> registry) {
        return AlertFilterStage.create(
                config, database, adapter.profile(), registry.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** Runs the user filters on every alert this broker stores, before any later post-store stage. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    PostStoreStage userFilterStage(AlertFilterStage filters) {
        return alerts -> filters.process(
                        alerts.stream().map(alert -> alert.alert().alert()).toList())
                .then();
    }

    @Bean
    AlertConsumer alertConsumer(
            SurveyAdapter adapter,
            AlertPipeline pipeline,
            BrokerMetrics metrics,
            KowalskiConfig config,
            ObjectProvider<Clock> clock,
            ObjectProvider<MeterRegistry> registry) {
        return new AlertConsumer(
                adapter,
                pipeline,
                metrics,
                AlertConsumer.Settings.from(config, adapter.survey(), EmbeddedInfrastructure.bootstrapServers(config)),
                clock.getIfAvailable(Clock::systemUTC),
                registry.getIfAvailable());
    }
}
