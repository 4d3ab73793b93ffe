package org.kowalski.broker.ztf;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import org.kowalski.common.config.KowalskiConfig;
import org.kowalski.common.infra.EmbeddedInfrastructure;
import org.kowalski.common.kafka.AlertStreamer;
import org.kowalski.common.testing.AlertFixtures;
import org.kowalski.common.testing.SharedData;
import org.kowalski.common.testing.SurveyBrokerTesting;
import org.kowalski.common.testing.TestConfigs;
import org.slf4j.LoggerFactory;

/** Shared set-up of the broker's integration tests: configuration, topics, fresh alerts, waiting, logs. */
final class BrokerTestSupport {

    static final Duration TIMEOUT = SurveyBrokerTesting.TIMEOUT;

    /** Candids handed out by {@link #freshCopies}, above any real ZTF candid of the samples. */
    private static final AtomicLong NEXT_CANDID = new AtomicLong(9_000_000_000_000_000_000L);

    private BrokerTestSupport() {}

    /**
     * Returns the test configuration: embedded servers on free ports, a random management port, topics
     * refreshed every second, small batches, and a short store time-out so that an outage shows quickly.
     */
    static KowalskiConfig config(int maxPollRecords) {
        return config(maxPollRecords, Map.of(), true);
    }

    /**
     * Returns the test configuration with extra catalogs in {@code database.xmatch.ZTF}, and with or
     * without the machine-learning models (an empty {@code ml.ZTF.allowed_features} loads none).
     */
    static KowalskiConfig config(int maxPollRecords, Map<String, Object> ztfCatalogs, boolean machineLearning) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("kafka", Map.of("topic_refresh_ms", 1000));
        overrides.put("database", Map.of("connect_timeout_ms", 3000, "xmatch", Map.of("ZTF", ztfCatalogs)));
        overrides.put("brokers", Map.of("ZTF", Map.of("management_port", 0, "max_poll_records", maxPollRecords)));
        if (!machineLearning) {
            overrides.put("ml", Map.of("ZTF", Map.of("allowed_features", List.of())));
        }
        KowalskiConfig config = TestConfigs.embedded(overrides);
        EmbeddedInfrastructure.ensureStarted(config);
        return config;
    }

    /** Returns the ZTF topic of today's UTC night for a program id. */
    static String todaysTopic(int programId) {
        return "ztf_" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE) + "_programid"
                + programId;
    }

    /** Returns the alert files of a sample folder as messages, in name order. */
    static List<byte[]> sampleMessages(String folder) throws Exception {
        List<byte[]> messages = new ArrayList<>();
        for (Path file : AlertStreamer.listAlertFiles(SharedData.require(folder))) {
            messages.add(Files.readAllBytes(file));
        }
        return messages;
    }

    /** Returns copies of a folder's alerts with candids and object ids that no other test uses. */
    static List<byte[]> freshCopies(String folder, String objectIdPrefix) throws Exception {
        List<byte[]> copies = new ArrayList<>();
        int i = 0;
        for (byte[] message : sampleMessages(folder)) {
            copies.add(AlertFixtures.withIds(message, NEXT_CANDID.getAndIncrement(), objectIdPrefix + i++));
        }
        return copies;
    }

    /** Sends messages to a topic in order and waits until Kafka acknowledged them all. */
    static void produce(KowalskiConfig config, String topic, List<byte[]> messages) throws Exception {
        SurveyBrokerTesting.produce(config, topic, messages);
    }

    /** Returns the offset that the ZTF broker's consumer group committed on partition 0 of a topic, or -1. */
    static long committedOffset(KowalskiConfig config, String topic) {
        return SurveyBrokerTesting.committedOffset(config, "kowalski_ZTF", topic);
    }

    static long count(MongoDatabase database, String collection) {
        return SurveyBrokerTesting.count(database, collection);
    }

    static long count(MongoDatabase database, String collection, Document filter) {
        return SurveyBrokerTesting.count(database, collection, filter);
    }

    static Document find(MongoDatabase database, String collection, Document filter) {
        return SurveyBrokerTesting.find(database, collection, filter);
    }

    static void drop(MongoDatabase database, String collection) {
        SurveyBrokerTesting.clear(database, collection);
    }

    /** Waits until the condition holds, failing the test after {@link #TIMEOUT}. */
    static void waitUntil(String description, BooleanSupplier condition) throws InterruptedException {
        SurveyBrokerTesting.waitUntil(description, condition);
    }

    /** Captures log events of every logger from its creation until {@link #close()}. */
    static final class LogCapture implements AutoCloseable {
        private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogCapture() {
            appender.start();
            root.addAppender(appender);
        }

        /** Returns the captured events at a level or above. */
        List<ILoggingEvent> atLeast(Level level) {
            return events().stream()
                    .filter(event -> event.getLevel().isGreaterOrEqual(level))
                    .toList();
        }

        /** Returns the captured messages of a logger that contain a text. */
        List<String> messages(Class<?> logger, String text) {
            return events().stream()
                    .filter(event -> event.getLoggerName().equals(logger.getName()))
                    .map(ILoggingEvent::getFormattedMessage)
                    .filter(message -> message.contains(text))
                    .toList();
        }

        private List<ILoggingEvent> events() {
            // The appender appends while holding its own lock.
            synchronized (appender) {
                return new ArrayList<>(appender.list);
            }
        }

        @Override
        public void close() {
            root.detachAppender(appender);
            appender.stop();
        }
    }
}
