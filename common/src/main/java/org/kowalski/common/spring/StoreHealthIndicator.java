package org.kowalski.common.spring;

import com.mongodb.reactivestreams.client.MongoClient;
import java.time.Duration;
import org.bson.Document;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.mongo.MongoConnections;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import reactor.core.publisher.Mono;

/** Reports the store UP when it answers a ping within two seconds; works on MongoDB and the embedded store. */
class StoreHealthIndicator extends AbstractReactiveHealthIndicator {

    private final MongoClient client;
    private final KowalskiConfig config;

    StoreHealthIndicator(MongoClient client, KowalskiConfig config) {
        super("Store health check failed");
        this.client = client;
        this.config = config;
    }

    @Override
    protected Mono<Health> doHealthCheck(Health.Builder builder) {
        return Mono.from(client.getDatabase("admin").runCommand(new Document("ping", 1)))
                .timeout(Duration.ofSeconds(2))
                .map(reply -> builder.up()
                        .withDetail("store", MongoConnections.describe(config))
                        .build());
    }
}
