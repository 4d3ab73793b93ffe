package org.kowalski.common.spring;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** Reports Kafka UP when the cluster description arrives within two seconds. */
class KafkaHealthIndicator extends AbstractHealthIndicator implements AutoCloseable {

    private final AdminClient admin;
    private final String bootstrapServers;

    KafkaHealthIndicator(String bootstrapServers) {
        super("Kafka health check failed");
        this.bootstrapServers = bootstrapServers;
        this.admin = AdminClient.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000));
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                .nodes()
                .get(2, TimeUnit.SECONDS)
                .size();
        builder.up().withDetail("bootstrapServers", bootstrapServers).withDetail("brokers", nodes);
    }

    @Override
    public void close() {
        admin.close();
    }
}
