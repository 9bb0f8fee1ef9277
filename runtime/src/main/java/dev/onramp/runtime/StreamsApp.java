package dev.onramp.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import dev.onramp.schemas.kafka.KafkaConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every Kafka Streams service of the pipeline runs: exactly-once v2, read_committed, replicated internal
 * topics, Streams' metrics in Prometheus, a readiness check, and a close that leaves the group so a stopped
 * instance does not hold its partitions until its session times out.
 */
public final class StreamsApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics metrics;

    public StreamsApp(Topology topology, Map<String, Object> config, MeterRegistry registry) {
        Properties props = new Properties();
        props.putAll(config);
        this.streams = new KafkaStreams(topology, props);
        String name = String.valueOf(config.get(StreamsConfig.APPLICATION_ID_CONFIG));
        streams.setStateListener((now, before) -> log.info("{}: kafka streams {} -> {}", name, before, now));
        this.metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(registry);
    }

    /** The settings every Streams service shares; a service adds its own on top. */
    public static Map<String, Object> baseConfig(KafkaConnection kafka, String applicationId, Path stateDir) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.topicReplication());
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
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
