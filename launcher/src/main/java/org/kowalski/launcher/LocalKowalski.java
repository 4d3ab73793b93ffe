package org.kowalski.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.kowalski.api.ApiApplication;
import org.kowalski.broker.pgir.PgirBrokerApplication;
import org.kowalski.broker.turbo.TurboBrokerApplication;
import org.kowalski.broker.wntr.WntrBrokerApplication;
import org.kowalski.broker.ztf.ZtfBrokerApplication;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A running local Kowalski: the embedded servers (when configured), the API and the enabled survey
 * brokers in this process. {@link #close()} stops the services first and the embedded servers last.
 */
public final class LocalKowalski implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalKowalski.class);

    private final List<ConfigurableApplicationContext> contexts;

    private LocalKowalski(List<ConfigurableApplicationContext> contexts) {
        this.contexts = contexts;
    }

    /**
     * Starts the embedded servers, then the API, then the enabled brokers in parallel.
     *
     * @throws RuntimeException the first start failure, after stopping what had started
     */
    public static LocalKowalski start(KowalskiConfig config, String... args) {
        EmbeddedInfrastructure.ensureStarted(config);
        List<ConfigurableApplicationContext> contexts = Collections.synchronizedList(new ArrayList<>());
        LocalKowalski running = new LocalKowalski(contexts);
        try {
            contexts.add(ApiApplication.start(config, args));
            List<CompletableFuture<Void>> brokers = new ArrayList<>();
            for (Map.Entry<String, Function<KowalskiConfig, ConfigurableApplicationContext>> broker :
                    brokerStarters().entrySet()) {
                String survey = broker.getKey();
                if (Boolean.FALSE.equals(config.enabled().get(survey))) {
                    log.info("Broker {} is disabled (enabled.{}: false); not starting it", survey, survey);
                    continue;
                }
                brokers.add(CompletableFuture.runAsync(
                        () -> contexts.add(broker.getValue().apply(config))));
            }
            CompletableFuture.allOf(brokers.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            running.close();
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        } catch (RuntimeException e) {
            running.close();
            throw e;
        }
        return running;
    }

    private static Map<String, Function<KowalskiConfig, ConfigurableApplicationContext>> brokerStarters() {
        Map<String, Function<KowalskiConfig, ConfigurableApplicationContext>> starters = new LinkedHashMap<>();
        starters.put("ztf", ZtfBrokerApplication::start);
        starters.put("pgir", PgirBrokerApplication::start);
        starters.put("wntr", WntrBrokerApplication::start);
        starters.put("turbo", TurboBrokerApplication::start);
        return starters;
    }

    /** Returns the application contexts of the running services, the API first. */
    public List<ConfigurableApplicationContext> contexts() {
        return List.copyOf(contexts);
    }

    @Override
    public void close() {
        List<ConfigurableApplicationContext> reversed = new ArrayList<>(contexts);
        Collections.reverse(reversed);
        for (ConfigurableApplicationContext context : reversed) {
            try {
                context.close();
            } catch (RuntimeException e) {
                log.warn("Stopping {} failed: {}", context.getId(), e.toString());
            }
        }
        contexts.clear();
        EmbeddedInfrastructure.stop();
        log.info("Kowalski stopped");
    }
}
