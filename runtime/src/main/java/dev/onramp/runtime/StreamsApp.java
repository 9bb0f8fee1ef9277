package dev.onramp.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import dev.onramp.runtime.kafka.GroupLiveness;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.streams.PoisonRecordHandler;
import dev.onramp.runtime.streams.PoisonRecords;
import dev.onramp.runtime.streams.ThreadReplacement;
import dev.onramp.schemas.serde.SchemaRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every Kafka Streams service of the pipeline runs: exactly-once v2, read_committed, replicated internal
 * topics, poison records set aside instead of stopping the app, a stream thread that dies replaced (a bounded
 * number of times), Streams' metrics in Prometheus, readiness and liveness checks, and a close that leaves the group.
 */
public final class StreamsApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);
    static final long DEFAULT_COMMIT_INTERVAL_MS = 50;
    static final int TRANSACTION_TIMEOUT_MS = 8_000;

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics metrics;
    private final String name;

    public StreamsApp(Topology topology, Map<String, Object> config, SchemaRegistry registry, MeterRegistry meters) {
        this.name = String.valueOf(config.get(StreamsConfig.APPLICATION_ID_CONFIG));
        Properties props = new Properties();
        props.putAll(config);
        props.putAll(poisonRecordHandling());
        props.put(PoisonRecordHandler.CONFIG, new PoisonRecords(name, registry, meters));
        this.streams = new KafkaStreams(topology, props);
        streams.setStateListener((now, before) -> log.info("{}: kafka streams {} -> {}", name, before, now));
        streams.setUncaughtExceptionHandler(new ThreadReplacement(name, meters));
        this.metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(meters);
    }

    /** Records that cannot be read or processed, in a stream task or a global table, go to the poison topic. */
    static Map<String, Object> poisonRecordHandling() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, PoisonRecordHandler.class.getName());
        settings.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, PoisonRecordHandler.class.getName());
        // A global table's record that cannot be processed is a poison record too (the default from Kafka 5.0).
        settings.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Kafka Streams 4.4's partition assignor rebuilds a StreamsConfig from the main consumer's settings, which
        // leave this one out, and that copy warned at every start to set what is set. Repeated for the consumer.
        settings.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        return settings;
    }

    /**
     * The settings every Streams service shares; a service adds its own on top. {@code instanceId} makes the
     * instance a static member of its group: restarted after a crash, it takes its partitions back at once instead
     * of waiting for its dead predecessor's session to time out.
     */
    public static Map<String, Object> baseConfig(KafkaConnection kafka, String applicationId, Path stateDir,
                                                 String instanceId) {
        Map<String, Object> config = new HashMap<>(kafka.producerConfig());
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.topicReplication());
        config.put(StreamsConfig.topicPrefix("min.insync.replicas"), String.valueOf(kafka.minInsyncReplicas()));
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Under exactly-once a Streams app's output is visible to its readers only at its next commit, and a
        // notification crosses two apps: each commit interval is in the end-to-end latency twice over, half of it on
        // average. Half of Kafka's EOS default of 100 ms, for a few per cent more CPU (BENCHMARKS.md, end to end);
        // KAFKA_CLIENT_COMMIT_INTERVAL_MS sets it.
        config.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
        // Neither topology waits for one input partition to catch up with another (the processor reads one topic; the
        // notifier decides the same whichever of outcome, recipient or result comes first). With idling on, Kafka
        // Streams 4.4 formats a "not ready" message (String.format) for every task with an empty partition on every
        // pass of its loop, logged or not: a tenth of the notifier's stream thread.
        config.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        if (instanceId != null) {
            config.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
        }
        GroupLiveness.applyTo(config);
        // A killed instance's open transaction hides everything written after it on the partitions it touched from
        // read_committed readers until the coordinator aborts it: the transaction timeout (Streams' EOS default 10 s)
        // plus the broker's abort check interval. Transactions here last one commit interval (50 ms).
        config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        return config;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public void start() {
        streams.start();
    }

    /** Ready only while all tasks run (not while rebalancing or restoring). */
    public HealthCheck runningCheck() {
        return HealthCheck.of("kafka-streams", () -> {
            if (streams.state() != KafkaStreams.State.RUNNING) {
                throw new IllegalStateException(streams.state().name());
            }
        });
    }

    /**
     * Alive while the client can still make progress by itself: not in ERROR, not stopped, and with a stream thread
     * that is not dead. Failing it tells an orchestrator to restart the process.
     */
    public HealthCheck aliveCheck() {
        return HealthCheck.of("kafka-streams", () -> {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                    || state == KafkaStreams.State.PENDING_ERROR) {
                throw new IllegalStateException(state.name());
            }
            if (state == KafkaStreams.State.CREATED || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                return;
            }
            boolean anyAlive = streams.metadataForLocalThreads().stream()
                    .map(ThreadMetadata::threadState)
                    .anyMatch(s -> !"DEAD".equals(s) && !"PENDING_SHUTDOWN".equals(s));
            if (!anyAlive) {
                throw new IllegalStateException("no live stream thread");
            }
        });
    }

    public void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("kafka streams not running after " + timeout + ": " + streams.state());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        metrics.close();
    }
}
