package dev.onramp.runtime.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer's poll loop on a thread of its own, for the parts of a service that follow a topic outside Kafka
 * Streams. The loop runs {@code step} until closed; a step that throws is logged (WARN, with {@code what}) and the
 * loop goes on, since the next poll carries on from the committed offsets. {@link #close} wakes the consumer, waits
 * for the step under way and closes the consumer, so no thread outlives the service.
 */
public final class ConsumerLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    /** One turn of the loop; throwing {@link InterruptedException} or a wakeup ends it. */
    @FunctionalInterface
    public interface Step {
        void run() throws InterruptedException;
    }

    private final Consumer<?, ?> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    private ConsumerLoop(String what, Consumer<?, ?> consumer, Step step) {
        this.consumer = consumer;
        this.thread = new Thread(() -> loop(what, step), what);
    }

    /**
     * Settings for the consumer of such a loop: in group {@code groupId}, reading committed records only, committing
     * its offsets itself (after the work is done), from the earliest record when the group is new, at most
     * {@code maxPollRecords} at a time (each may take a while: a call to Stripe, a transaction).
     */
    public static Map<String, Object> groupConsumerConfig(KafkaConnection kafka, String groupId, int maxPollRecords) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return config;
    }

    /** Starts the loop on a new thread named {@code what}. */
    public static ConsumerLoop start(String what, Consumer<?, ?> consumer, Step step) {
        ConsumerLoop loop = new ConsumerLoop(what, consumer, step);
        loop.thread.start();
        return loop;
    }

    private void loop(String what, Step step) {
        while (running) {
            try {
                step.run();
            } catch (WakeupException | InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("{}: {}; carrying on from the committed offsets", what, e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
    }
}
