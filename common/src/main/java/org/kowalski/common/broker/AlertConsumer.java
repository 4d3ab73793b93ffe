package org.kowalski.common.broker;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.kowalski.common.config.KowalskiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.BatchConsumerAwareMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The Kafka side of a survey's broker: one Spring Kafka consumer group ({@code <kafka.group>_<survey>})
 * that subscribes to exactly the topics the survey adapter lists for the current UTC date, feeds each
 * poll to the {@link AlertPipeline} as a batch, and commits the batch's offsets only after the pipeline
 * returned, that is after the alerts' writes are acknowledged.
 *
 * <p>The topic list is checked every {@code kafka.topic_refresh_ms}: when the date changes, the
 * consumers stop (committing what they processed) and start again on the new night's topics, without a
 * restart of the service. Topics that do not exist yet are picked up once created, because the
 * subscription is a pattern of the exact names. When the pipeline reports an outage, the consumers
 * pause and retry the batch with a back-off (0.5 s doubling to 5 s), without committing, until it
 * succeeds.
 */
public class AlertConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AlertConsumer.class);

    private final SurveyAdapter adapter;
    private final AlertPipeline pipeline;
    private final BrokerMetrics metrics;
    private final Settings settings;
    private final Clock clock;
    private final DefaultKafkaConsumerFactory<byte[], byte[]> consumerFactory;

    private ScheduledExecutorService watchdog;
    private ConcurrentMessageListenerContainer<byte[], byte[]> container;
    private List<String> topics = List.of();
    private volatile boolean running;

    /**
     * The consumer settings of one survey.
     *
     * @param groupId the consumer group, {@code <kafka.group>_<survey>}
     * @param autoOffsetReset where a new group starts on a partition: {@code earliest} or {@code latest}
     * @param concurrency the number of consumer threads
     * @param maxPollRecords the largest batch
     * @param topicRefreshMs how often the topic list and new topics are checked, in milliseconds
     */
    public record Settings(
            String bootstrapServers,
            String groupId,
            String autoOffsetReset,
            int concurrency,
            int maxPollRecords,
            long topicRefreshMs) {

        /** Reads the settings of a survey from the configuration. */
        public static Settings from(KowalskiConfig config, String survey, String bootstrapServers) {
            KowalskiConfig.Broker broker = config.brokers().get(survey);
            String group =
                    config.kafka().group() == null ? "kowalski" : config.kafka().group();
            String reset = config.kafka().autoOffsetReset() == null
                    ? "earliest"
                    : config.kafka().autoOffsetReset();
            return new Settings(
                    bootstrapServers,
                    group + "_" + survey,
                    reset,
                    broker == null ? 1 : broker.consumerConcurrencyOrDefault(),
                    broker == null ? 100 : broker.maxPollRecordsOrDefault(),
                    config.kafka().topicRefreshMsOrDefault());
        }
    }

    /**
     * @param clock the clock whose UTC date selects the night's topics
     * @param registry where the Kafka client metrics (such as {@code records-lag-max}) are registered
     */
    public AlertConsumer(
            SurveyAdapter adapter,
            AlertPipeline pipeline,
            BrokerMetrics metrics,
            Settings settings,
            Clock clock,
            MeterRegistry registry) {
        this.adapter = adapter;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        properties.put(
                ConsumerConfig.CLIENT_ID_CONFIG, "kowalski-" + adapter.survey().toLowerCase());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, settings.autoOffsetReset());
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // The pattern subscription finds topics created after the start within one metadata refresh.
        properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) settings.topicRefreshMs());
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerFactory = new DefaultKafkaConsumerFactory<>(properties);
        if (registry != null) {
            consumerFactory.addListener(new MicrometerConsumerListener<>(registry));
        }
    }

    /** Returns the topic names for a UTC date, as the pattern subscription matches them. */
    public static Pattern topicPattern(List<String> topics) {
        return Pattern.compile(topics.stream().map(Pattern::quote).collect(Collectors.joining("|", "^(?:", ")$")));
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        refreshTopics();
        watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, adapter.survey().toLowerCase() + "-topic-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.scheduleWithFixedDelay(
                this::refreshSafely, settings.topicRefreshMs(), settings.topicRefreshMs(), TimeUnit.MILLISECONDS);
    }

    private void refreshSafely() {
        try {
            refreshTopics();
        } catch (RuntimeException e) {
            log.error(
                    "{}: switching to the current night's topics failed; trying again in {} ms",
                    adapter.survey(),
                    settings.topicRefreshMs(),
                    e);
        }
    }

    /**
     * Subscribes to the topics of the current UTC date if they differ from the current subscription; the
     * watchdog calls it every {@code kafka.topic_refresh_ms}, and tests call it after moving the clock.
     */
    public synchronized void refreshTopics() {
        if (!running) {
            return;
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<String> todaysTopics = adapter.topics(today);
        if (todaysTopics.equals(topics) && container != null) {
            return;
        }
        if (container != null) {
            log.info("{}: the UTC date is now {}; switching topics", adapter.survey(), today);
            container.stop();
        }
        topics = List.copyOf(todaysTopics);
        container = newContainer(topicPattern(topics));
        container.start();
        log.info(
                "{}: consuming topics {} as consumer group {} with {} consumer threads",
                adapter.survey(),
                topics,
                settings.groupId(),
                settings.concurrency());
    }

    private ConcurrentMessageListenerContainer<byte[], byte[]> newContainer(Pattern pattern) {
        ContainerProperties properties = new ContainerProperties(pattern);
        properties.setGroupId(settings.groupId());
        properties.setAckMode(ContainerProperties.AckMode.BATCH);
        properties.setSyncCommits(true);
        properties.setPollTimeout(1000);
        properties.setMessageListener((BatchConsumerAwareMessageListener<byte[], byte[]>) this::onBatch);

        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(5000);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        backOff.setMaxAttempts(Long.MAX_VALUE);
        DefaultErrorHandler errorHandler = new DefaultErrorHandler(backOff);
        // The pipeline logs an outage once and its end once; the retries themselves stay quiet.
        errorHandler.setLogLevel(KafkaException.Level.DEBUG);

        ConcurrentMessageListenerContainer<byte[], byte[]> newContainer =
                new ConcurrentMessageListenerContainer<>(consumerFactory, properties);
        newContainer.setConcurrency(settings.concurrency());
        newContainer.setCommonErrorHandler(errorHandler);
        newContainer.setBeanName(adapter.survey().toLowerCase() + "-alerts");
        return newContainer;
    }

    private void onBatch(List<ConsumerRecord<byte[], byte[]>> records, Consumer<?, ?> consumer) {
        pipeline.process(records);
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong partitionLag = consumer.currentLag(partition);
            lag += partitionLag.orElse(0);
        }
        // The position is already past the batch, so the lag counts only the messages still to poll.
        metrics.lag(Thread.currentThread().getName(), lag);
    }

    /** Returns the topics subscribed now. */
    public synchronized List<String> topics() {
        return topics;
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        if (container != null) {
            container.stop();
            container = null;
        }
        topics = List.of();
        log.info("{}: consumers stopped", adapter.survey());
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
