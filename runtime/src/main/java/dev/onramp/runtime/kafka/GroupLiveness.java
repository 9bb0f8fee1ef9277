package dev.onramp.runtime.kafka;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * How soon a consumer group gives a dead member's partitions to the others. Members are static (an instance id per
 * pod), so a restart within the session timeout takes its partitions back without a rebalance; a member that does not
 * come back within it (a lost node, a JVM slow to start) hands them over, to a standby's warm copy in a Streams app.
 * Kafka's 45 s would leave a killed instance's partitions without output that long; the broker's
 * {@code group.min.session.timeout.ms} (6 s) is the floor. {@code KAFKA_CLIENT_SESSION_TIMEOUT_MS} and
 * {@code KAFKA_CLIENT_HEARTBEAT_INTERVAL_MS} override them.
 */
public final class GroupLiveness {
    public static final int SESSION_TIMEOUT_MS = 6_000;
    public static final int HEARTBEAT_INTERVAL_MS = 1_500;

    private GroupLiveness() {
    }

    /** Sets the session timeout and heartbeat interval unless the configuration already names them. */
    public static void applyTo(Map<String, Object> config) {
        config.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        config.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
    }
}
