package dev.onramp.schemas;

import java.time.Duration;
import java.util.Map;

import dev.onramp.schemas.serde.RegistryAvroSerde;
import dev.onramp.schemas.serde.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One topic's contract: its name, its value record, how long it keeps data, and its partitions when they are not the
 * deployment's ({@code partitions} 0: {@code ONRAMP_TOPIC_PARTITIONS}). Keys are always UTF-8 strings (the session
 * id), so every topic with the deployment's partitions is co-partitioned with every other and can be joined without
 * a repartition.
 */
public record Topic<V extends SpecificRecord>(String name, Class<V> valueType, boolean compacted, Duration retention,
                                              int partitions) {

    /** Kept forever: the audit trail and the log that replay rebuilds state from. */
    static <V extends SpecificRecord> Topic<V> forever(String name, Class<V> valueType) {
        return new Topic<>(name, valueType, false, null, 0);
    }

    /** Compacted: the latest value per session is the product; a null value (tombstone) deletes it. */
    static <V extends SpecificRecord> Topic<V> compacted(String name, Class<V> valueType) {
        return new Topic<>(name, valueType, true, null, 0);
    }

    static <V extends SpecificRecord> Topic<V> expiring(String name, Class<V> valueType, Duration retention) {
        return new Topic<>(name, valueType, false, retention, 0);
    }

    /** The same contract on a topic of its own number of partitions. */
    Topic<V> withPartitions(int count) {
        return new Topic<>(name, valueType, compacted, retention, count);
    }

    /** How many partitions the topic is created with, given the deployment's number. */
    public int partitionsGiven(int deployment) {
        return partitions > 0 ? partitions : deployment;
    }

    public Serde<String> keySerde() {
        return Serdes.String();
    }

    public Serde<V> valueSerde(SchemaRegistry registry) {
        return new RegistryAvroSerde<>(valueType, registry);
    }

    public Schema valueSchema() {
        return SpecificData.get().getSchema(valueType);
    }

    /** The registry subject of the value schema (TopicNameStrategy). */
    public String valueSubject() {
        return name + "-value";
    }

    /** Broker-side topic settings that make the contract true. */
    public Map<String, String> configs() {
        if (compacted) {
            return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, retention == null ? "-1" : String.valueOf(retention.toMillis()),
                TopicConfig.RETENTION_BYTES_CONFIG, "-1");
    }

    /** The same contract on another topic name, e.g. {@code onramp.session-outcomes.v1.replay-fix42}. */
    public Topic<V> withSuffix(String suffix) {
        return new Topic<>(name + suffix, valueType, compacted, retention, partitions);
    }
}
