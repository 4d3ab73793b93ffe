package org.kowalski.bench.broker;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.bson.Document;
import org.kowalski.bench.BenchConfigs;
import org.kowalski.bench.BenchEnvironment;
import org.kowalski.bench.replay.AlertReplayer;
import org.kowalski.bench.report.MachineInfo;
import org.kowalski.common.broker.AlertConsumer;
import org.kowalski.common.broker.PostStoreStage;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.filter.AlertFilterStage;
import org.kowalski.common.kafka.AlertStreamer;
import org.kowalski.common.mongo.CollectionInitializer;
import org.kowalski.common.spring.KowalskiApplication;
import org.kowalski.common.xmatch.CatalogCrossMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;

/**
 * Runs the real ZTF broker application on replayed alerts and measures it. Every run starts with empty
 * alert collections and a fresh consumer group on a topic {@code bench<N>_ztf_<today>_programid1} of
 * {@value #PARTITIONS} partitions. Two modes:
 *
 * <ul>
 *   <li>backlog: the alerts were published once before ({@link #publishBacklog}), so the producer costs
 *       no CPU during the measurement, and the broker drains the whole topic as after an outage;
 *   <li>live: the broker starts first, then a producer in this JVM publishes every alert at once, so the
 *       consumer lag builds up and drains as in a burst of a real night.
 * </ul>
 */
public final class BrokerBench {

    private static final Logger log = LoggerFactory.getLogger(BrokerBench.class);

    /** Partitions of each run's topic: as many as the most consumer threads measured. */
    public static final int PARTITIONS = 4;

    private static final DateTimeFormatter NIGHT = DateTimeFormatter.BASIC_ISO_DATE;

    /** The survey of the benchmarked broker, as its configuration and consumer group name it. */
    private static final String SURVEY = "ZTF";

    private final BenchEnvironment environment;
    private final ScenarioSettings settings;

    public BrokerBench(BenchEnvironment environment, ScenarioSettings settings) {
        this.environment = environment;
        this.settings = settings;
    }

    /**
     * Alerts published once to a topic that several runs read, each with a fresh consumer group.
     *
     * @param topicPrefix the {@code brokers.ZTF.topic_prefix} whose topic contains the alerts
     * @param publishedAtMs the record timestamp of each alert
     * @param publishMs how long publishing took
     * @param count how many alerts were published: the first {@code count} alerts of the replayer
     */
    public record Backlog(String topicPrefix, String topic, long[] publishedAtMs, double publishMs, int count) {}

    /**
     * Publishes the alerts of the replayer to a new topic, all of them or as many as fit in {@code limit},
     * and returns it for {@link #run}.
     */
    public Backlog publishBacklog(AlertReplayer replayer, Duration limit) throws InterruptedException {
        String prefix = "bench" + environment.nextRunNumber() + "_ztf";
        String topic = topicOf(prefix);
        AlertStreamer.createTopicIfMissing(environment.bootstrapServers(), topic, PARTITIONS);
        DeliveryRecorder timestamps = new DeliveryRecorder(replayer);
        AtomicLong endMs = new AtomicLong();
        long startMs = System.currentTimeMillis();
        long deadlineMs = startMs + limit.toMillis();
        int published = publish(replayer, timestamps, topic, endMs, () -> System.currentTimeMillis() > deadlineMs);
        if (published == 0) {
            throw new IllegalStateException("publishing the backlog to " + topic + " failed; see the log above");
        }
        long publishMs = System.currentTimeMillis() - startMs;
        log.info("Published {} of {} alerts to {} in {} ms", published, replayer.alerts(), topic, publishMs);
        return new Backlog(prefix, topic, timestamps.publishedAtMs(), publishMs, published);
    }

    /** Deletes the backlog's topic. */
    public void deleteBacklog(Backlog backlog) {
        environment.deleteTopics(List.of(backlog.topic()));
    }

    /**
     * Starts the broker on a backlog and measures {@code repetitions} drains of it, each until every alert
     * is done or {@code timeout} returns its time limit. The application starts once: between
     * repetitions its consumer stops, the alert collections are emptied and the consumer group's offsets
     * go back to the start. Rates count from the moment the consumers poll.
     *
     * @param timeout returns the time limit of the next repetition, so that a caller can share a budget
     */
    public List<BrokerRunResult> run(
            BrokerScenario scenario,
            int threads,
            AlertReplayer replayer,
            Backlog backlog,
            int repetitions,
            Supplier<Duration> timeout)
            throws InterruptedException {
        String group = "bench" + environment.nextRunNumber() + "_group";
        KowalskiConfig config = configure(scenario, threads, backlog.topicPrefix(), group);
        // The broker appends the survey to kafka.group, so the group to rewind is the consumer's own one.
        String consumerGroup = AlertConsumer.Settings.from(config, SURVEY, environment.bootstrapServers())
                .groupId();
        DeliveryRecorder recorder = new DeliveryRecorder(replayer);
        recorder.publishedBefore(backlog.publishedAtMs());
        BenchBrokerApplication.recorder = recorder;
        log.info(
                "Broker run {} ({}) with {} consumer threads on {} alerts of {}",
                scenario.letter(),
                scenario.description(),
                threads,
                replayer.alerts(),
                backlog.topic());
        ConfigurableApplicationContext context = start(config);
        List<BrokerRunResult> results = new ArrayList<>();
        try {
            String missing = missingStage(context, scenario);
            if (missing != null) {
                log.warn("Broker run {} skipped: {}", scenario.letter(), missing);
                return List.of(skipped(scenario, threads, missing));
            }
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            AlertConsumer consumer = context.getBean(AlertConsumer.class);
            List<String> notes = List.of();
            for (int i = 0; i < repetitions; i++) {
                if (i > 0) {
                    long resetStartNanos = System.nanoTime();
                    consumer.stop();
                    clearAlerts(config);
                    rewind(consumerGroup, backlog.topic(), results.get(i - 1));
                    log.info(
                            "Broker run {}: consumers stopped, alerts cleared and offsets rewound in {} ms",
                            scenario.letter(),
                            (System.nanoTime() - resetStartNanos) / 1_000_000);
                    recorder = new DeliveryRecorder(replayer);
                    recorder.publishedBefore(backlog.publishedAtMs());
                    BenchBrokerApplication.recorder = recorder;
                    System.gc();
                    consumer.start();
                }
                BrokerRunResult result =
                        measure(scenario, threads, replayer, recorder, registry, null, backlog, timeout.get());
                if (i == 0) {
                    notes = stageNotes(config, scenario, result);
                }
                results.add(result.withStageNotes(notes));
            }
            return results;
        } finally {
            context.close();
        }
    }

    /**
     * Starts the broker on a new topic, then publishes every alert of the replayer at once from a producer
     * in this JVM and measures until every alert is done or the time limit. Rates count from the first
     * publish.
     */
    public BrokerRunResult runLive(BrokerScenario scenario, int threads, AlertReplayer replayer, Duration timeout)
            throws InterruptedException {
        String prefix = "bench" + environment.nextRunNumber() + "_ztf";
        String topic = topicOf(prefix);
        KowalskiConfig config = configure(scenario, threads, prefix, prefix);
        AlertStreamer.createTopicIfMissing(environment.bootstrapServers(), topic, PARTITIONS);
        DeliveryRecorder recorder = new DeliveryRecorder(replayer);
        BenchBrokerApplication.recorder = recorder;
        log.info(
                "Broker run {} ({}) with {} consumer threads: {} alerts published at once to {}",
                scenario.letter(),
                scenario.description(),
                threads,
                replayer.alerts(),
                topic);
        ConfigurableApplicationContext context = start(config);
        try {
            String missing = missingStage(context, scenario);
            if (missing != null) {
                log.warn("Broker run {} skipped: {}", scenario.letter(), missing);
                return skipped(scenario, threads, missing);
            }
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            BrokerRunResult result = measure(scenario, threads, replayer, recorder, registry, topic, null, timeout);
            return result.withStageNotes(stageNotes(config, scenario, result));
        } finally {
            context.close();
            environment.deleteTopics(List.of(topic));
        }
    }

    /** Builds the run's configuration and prepares empty alert collections and the filters. */
    private KowalskiConfig configure(BrokerScenario scenario, int threads, String prefix, String group) {
        KowalskiConfig config = environment.configs().build(tree -> {
            settings.apply(tree, scenario, threads, prefix);
            BenchConfigs.section(tree, "kafka").put("group", group);
        });
        environment.drop(config.collection("alerts_ztf"));
        environment.drop(config.collection("alerts_ztf_aux"));
        environment.drop(config.collection("filters"));
        if (scenario.filters()) {
            List<Document> filters = settings.filterDocuments();
            Mono.from(environment
                            .database()
                            .getCollection(config.collection("filters"))
                            .insertMany(filters))
                    .block();
        }
        System.gc();
        return config;
    }

    private static ConfigurableApplicationContext start(KowalskiConfig config) {
        return KowalskiApplication.run(
                BenchBrokerApplication.class,
                "broker-ztf-bench",
                0,
                config,
                Map.of("logging.level.org.kowalski", "WARN"));
    }

    /**
     * Empties the alert collections by dropping them and creating them again with their configured
     * indexes, as the broker does at start-up, so every repetition starts from the state of the first. A
     * deleteMany is slower: the embedded store reads and removes each document in turn, which took several
     * seconds per few thousand alerts.
     */
    private void clearAlerts(KowalskiConfig config) {
        environment.drop(config.collection("alerts_ztf"));
        environment.drop(config.collection("alerts_ztf_aux"));
        CollectionInitializer.initialize(environment.database(), config);
    }

    /**
     * Sets the consumer group's offsets back to the start of every partition of the topic.
     *
     * @param previous the repetition before. When it stored alerts, the group must have committed offsets
     *     on the topic. A group without them is not the broker's, and rewinding it would leave the next
     *     repetition nothing to consume.
     */
    private void rewind(String group, String topic, BrokerRunResult previous) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            offsets.put(new TopicPartition(topic, partition), new OffsetAndMetadata(0));
        }
        try (AdminClient admin = AdminClient.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, environment.bootstrapServers()))) {
            if (previous.stored() > 0 && committedOffsets(admin, group, topic) == 0) {
                throw new IllegalStateException("Consumer group " + group + " has no committed offset on " + topic
                        + " although the broker stored " + previous.stored() + " alerts of it, so the broker"
                        + " consumes as another group; rewind the group that AlertConsumer.Settings names");
            }
            // The stopped consumers leave the group asynchronously; the reset fails while members remain.
            for (int attempt = 1; ; attempt++) {
                try {
                    admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (attempt >= 60) {
                        throw new IllegalStateException(
                                "Resetting the offsets of consumer group " + group + " failed: " + e, e);
                    }
                    Thread.sleep(1000);
                }
            }
        }
    }

    /** Returns how many partitions of the topic have an offset committed by the consumer group. */
    private static int committedOffsets(AdminClient admin, String group, String topic) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            return (int) committed.entrySet().stream()
                    .filter(entry -> entry.getKey().topic().equals(topic) && entry.getValue() != null)
                    .count();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(
                    "Reading the committed offsets of consumer group " + group + " failed: " + e, e);
        }
    }

    private BrokerRunResult measure(
            BrokerScenario scenario,
            int threads,
            AlertReplayer replayer,
            DeliveryRecorder recorder,
            MeterRegistry registry,
            String topic,
            Backlog backlog,
            Duration timeout)
            throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStartNanos = os.getProcessCpuTime();
        long startMs = System.currentTimeMillis();
        long deadlineMs = startMs + timeout.toMillis();
        recorder.consumptionStarted(startMs);
        double loadAverage = MachineInfo.loadAverageOneMinute();
        int doneBeforeStart = recorder.doneCount();
        Map<String, Double> stagesBefore = stageNanos(registry);
        int target = backlog != null ? backlog.count() : replayer.alerts();

        AtomicLong publishEndMs = new AtomicLong();
        AtomicBoolean stopPublishing = new AtomicBoolean();
        Thread producer = null;
        if (backlog == null) {
            producer = new Thread(
                    () -> publish(replayer, recorder, topic, publishEndMs, stopPublishing::get), "bench-producer");
            producer.setDaemon(true);
            producer.start();
        } else {
            publishEndMs.set(startMs);
        }

        long peakHeap = 0;
        double maxLag = 0;
        int failedCount = 0;
        boolean timedOut = false;
        while (true) {
            peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
            maxLag = Math.max(maxLag, gauge(registry, "kowalski.broker.consumer.lag"));
            failedCount = (int) counter(registry, "kowalski.broker.alerts.failed");
            if (recorder.doneCount() + failedCount >= target) {
                break;
            }
            if (System.currentTimeMillis() > deadlineMs) {
                timedOut = true;
                break;
            }
            Thread.sleep(100);
        }
        long endMs = timedOut ? System.currentTimeMillis() : Math.max(recorder.lastDoneAtMs(), startMs);
        double cpuMs = (os.getProcessCpuTime() - cpuStartNanos) / 1e6;
        stopPublishing.set(true);
        if (producer != null) {
            producer.join(TimeUnit.SECONDS.toMillis(30));
        }

        long[] storeLatencies = recorder.storeLatenciesMs();
        long[] doneLatencies = recorder.doneLatenciesMs();
        long publishedAtEnd = publishEndMs.get();
        double drainMs = timedOut || publishedAtEnd == 0 ? Double.NaN : Math.max(0, endMs - publishedAtEnd);
        double publishMs;
        if (backlog != null) {
            publishMs = backlog.publishMs();
        } else if (publishedAtEnd == 0) {
            publishMs = Double.NaN;
        } else {
            publishMs = publishedAtEnd - startMs;
        }
        BrokerRunResult result = new BrokerRunResult(
                scenario,
                threads,
                target,
                recorder.storedCount(),
                recorder.doneCount(),
                recorder.doneCount() - doneBeforeStart,
                failedCount,
                endMs - startMs,
                publishMs,
                drainMs,
                DeliveryRecorder.quantile(storeLatencies, 0.5),
                DeliveryRecorder.quantile(storeLatencies, 0.99),
                DeliveryRecorder.quantile(doneLatencies, 0.5),
                DeliveryRecorder.quantile(doneLatencies, 0.99),
                peakHeap,
                cpuMs,
                maxLag,
                difference(stageNanos(registry), stagesBefore),
                timedOut,
                backlog != null,
                null,
                List.of(),
                loadAverage);
        log.info(
                "Broker run {} with {} threads: {} of {} alerts done in {} ms ({} alerts/s, {} per CPU-s){}",
                scenario.letter(),
                threads,
                result.done(),
                result.published(),
                (long) result.elapsedMs(),
                String.format(java.util.Locale.ROOT, "%.1f", result.alertsPerSecond()),
                String.format(java.util.Locale.ROOT, "%.1f", result.alertsPerCpuSecond()),
                timedOut ? ", time limit reached" : "");
        return result;
    }

    private static String topicOf(String prefix) {
        return prefix + "_" + LocalDate.now(ZoneOffset.UTC).format(NIGHT) + "_programid1";
    }

    /**
     * Returns why the scenario cannot run: the broker application lacks the stage that the scenario adds,
     * or the benchmark's recording stages do not enclose the broker's post-store stages.
     */
    private static String missingStage(ConfigurableApplicationContext context, BrokerScenario scenario) {
        checkRecordingOrder(context);
        if (scenario.crossMatches()
                && context.getBeanProvider(CatalogCrossMatcher.class).getIfAvailable() == null) {
            return "the ZTF broker has no catalog cross-match on this commit";
        }
        if (scenario.filters()) {
            AlertFilterStage filters =
                    context.getBeanProvider(AlertFilterStage.class).getIfAvailable();
            if (filters == null) {
                return "the ZTF broker has no user filter stage on this commit";
            }
            int loaded =
                    filters.filters().reload().blockOptional().map(List::size).orElse(0);
            if (loaded != BenchScenarioSettings.FILTERS) {
                return "the broker loaded " + loaded + " of the " + BenchScenarioSettings.FILTERS
                        + " benchmark filters from the filters collection; its log names the ones it skipped";
            }
        }
        return null;
    }

    /**
     * Checks that the recording stages run first and last among the post-store stages, in the order in
     * which the broker's pipeline runs them, so that "stored" excludes the filters and "done" includes them.
     */
    private static void checkRecordingOrder(ConfigurableApplicationContext context) {
        List<PostStoreStage> stages =
                context.getBeanProvider(PostStoreStage.class).orderedStream().toList();
        if (!(stages.get(0) instanceof RecordingStages.First)
                || !(stages.get(stages.size() - 1) instanceof RecordingStages.Last)) {
            throw new IllegalStateException("The benchmark's recording stages do not enclose the broker's post-store"
                    + " stages (order: "
                    + stages.stream().map(stage -> stage.getClass().getName()).toList()
                    + "): give RecordingStages.First and Last an order outside the broker's stages");
        }
    }

    /**
     * Returns sentences on stages of the scenario that did not work in a repetition: no stored alert has
     * an ML score although the scenario scores. Call it before the alert collections are emptied.
     */
    private List<String> stageNotes(KowalskiConfig config, BrokerScenario scenario, BrokerRunResult result) {
        List<String> notes = new ArrayList<>();
        if (scenario.scores() && result.stored() > 0) {
            Document scored = Mono.from(environment
                            .database()
                            .getCollection(config.collection("alerts_ztf"))
                            .find(Filters.exists("classifications.braai"))
                            .projection(Projections.include("candid"))
                            .first())
                    .block();
            if (scored == null) {
                notes.add("no stored alert has a braai score, so the broker's ML enricher scored nothing; its log"
                        + " says which models it left out");
            }
        }
        return notes;
    }

    private static BrokerRunResult skipped(BrokerScenario scenario, int threads, String missing) {
        return new BrokerRunResult(
                scenario,
                threads,
                0,
                0,
                0,
                0,
                0,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                0,
                Double.NaN,
                Double.NaN,
                Map.of(),
                false,
                false,
                missing,
                List.of(),
                Double.NaN);
    }

    /** Publishes alerts in order until all are sent or {@code stop} returns true, and returns how many were sent. */
    private int publish(
            AlertReplayer replayer,
            DeliveryRecorder recorder,
            String topic,
            AtomicLong publishEndMs,
            BooleanSupplier stop) {
        int sent = 0;
        Map<String, Object> properties = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                environment.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.BATCH_SIZE_CONFIG,
                1_048_576,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                4_194_304,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
            for (int i = 0; i < replayer.alerts() && !stop.getAsBoolean(); i++) {
                byte[] message = replayer.encode(i);
                long timestampMs = System.currentTimeMillis();
                recorder.published(i, timestampMs);
                producer.send(new ProducerRecord<>(topic, null, timestampMs, null, message));
                sent++;
            }
            producer.flush();
            if (!stop.getAsBoolean()) {
                publishEndMs.set(System.currentTimeMillis());
            }
        } catch (RuntimeException e) {
            log.error("Publishing the benchmark alerts to {} failed: {}", topic, e.toString(), e);
        }
        return sent;
    }

    private static Map<String, Double> stageNanos(MeterRegistry registry) {
        Map<String, Double> stages = new LinkedHashMap<>();
        for (Timer timer : registry.find("kowalski.broker.stage").timers()) {
            stages.put(timer.getId().getTag("stage"), timer.totalTime(TimeUnit.NANOSECONDS));
        }
        return stages;
    }

    private static Map<String, Double> difference(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> stages = new LinkedHashMap<>();
        after.forEach((stage, nanos) -> stages.put(stage, nanos - before.getOrDefault(stage, 0.0)));
        return stages;
    }

    private static double gauge(MeterRegistry registry, String name) {
        Gauge gauge = registry.find(name).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static double counter(MeterRegistry registry, String name) {
        var counter = registry.find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    /**
     * The configuration that each scenario adds: the catalog to cross-match, the ML models, the filters.
     */
    public interface ScenarioSettings {

        /** Edits the configuration tree of one run. */
        void apply(Map<String, Object> tree, BrokerScenario scenario, int threads, String topicPrefix);

        /** Returns the filter documents inserted for the filter scenario. */
        List<Document> filterDocuments();
    }

    /**
     * Sets the broker keys every scenario shares: topic prefix, one program, threads, a free port and,
     * unless null, the batch size.
     */
    public static void applyBrokerSettings(
            Map<String, Object> tree, int threads, String topicPrefix, Integer maxPollRecords) {
        Map<String, Object> ztf = BenchConfigs.path(tree, "brokers.ZTF");
        ztf.put("topic_prefix", topicPrefix);
        ztf.put("programids", List.of(1));
        ztf.put("consumer_concurrency", threads);
        if (maxPollRecords != null) {
            ztf.put("max_poll_records", maxPollRecords);
        }
        ztf.put("management_port", 0);
        BenchConfigs.section(tree, "kafka").put("group", topicPrefix);
    }
}
