package dev.onramp.runtime.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import dev.onramp.schemas.serde.SchemaRegistryClient;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Where the cluster and the registry are, read from the environment. Shared by every service so that they all
 * take the same variables:
 * <ul>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS} (default {@code 127.0.0.1:9092})</li>
 *   <li>{@code SCHEMA_REGISTRY_URL} (default {@code http://127.0.0.1:8085/apis/ccompat/v7})</li>
 *   <li>{@code KAFKA_CLIENT_*}: passed to every Kafka client, e.g. {@code KAFKA_CLIENT_SECURITY_PROTOCOL=SASL_SSL}
 *       becomes {@code security.protocol}, {@code KAFKA_CLIENT_SASL_JAAS_CONFIG} becomes {@code sasl.jaas.config}</li>
 *   <li>{@code ONRAMP_TOPIC_PARTITIONS} (default 3) and {@code ONRAMP_TOPIC_REPLICATION} (default 1) for topics
 *       created at start-up</li>
 * </ul>
 */
public record KafkaConnection(String bootstrapServers, String schemaRegistryUrl, Map<String, String> clientSettings,
                              int topicPartitions, short topicReplication) {
    public static final String CLIENT_PREFIX = "KAFKA_CLIENT_";
    /** Chosen by measuring the whole pipeline's bytes per webhook and CPU with each codec (BENCHMARKS.md, disk). */
    public static final String DEFAULT_COMPRESSION = "lz4";

    public static KafkaConnection fromEnv(Map<String, String> env) {
        Map<String, String> passThrough = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(CLIENT_PREFIX)) {
                passThrough.put(name.substring(CLIENT_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return new KafkaConnection(
                env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                env.getOrDefault("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8085/apis/ccompat/v7"),
                Map.copyOf(passThrough),
                Integer.parseInt(env.getOrDefault("ONRAMP_TOPIC_PARTITIONS", "3")),
                Short.parseShort(env.getOrDefault("ONRAMP_TOPIC_REPLICATION", "1")));
    }

    public static KafkaConnection local(String bootstrapServers, String schemaRegistryUrl) {
        return new KafkaConnection(bootstrapServers, schemaRegistryUrl, Map.of(), 3, (short) 1);
    }

    /**
     * {@code min.insync.replicas} of every topic: 2 wherever there are 2 replicas, so that an acknowledged write
     * survives the loss of any one broker; 1 on a single-replica development cluster.
     */
    public int minInsyncReplicas() {
        return Math.min(2, topicReplication);
    }

    /** Base settings for any Kafka client: bootstrap servers plus the pass-through ones. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /**
     * Base settings for a producer: {@link #clientConfig()} plus the pipeline's batch compression,
     * {@value #DEFAULT_COMPRESSION} unless {@code KAFKA_CLIENT_COMPRESSION_TYPE} names another. Producers compress,
     * not the topics: a batch the broker receives in its topic's codec is stored as it came, without recompressing.
     */
    public Map<String, Object> producerConfig() {
        Map<String, Object> config = clientConfig();
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, DEFAULT_COMPRESSION);
        return config;
    }

    /** The pass-through settings by name only: they may hold SASL credentials or keystore passwords. */
    @Override
    public String toString() {
        return "KafkaConnection[bootstrapServers=" + bootstrapServers + ", schemaRegistryUrl=" + schemaRegistryUrl
                + ", clientSettings=" + new TreeSet<>(clientSettings.keySet()) + ", topicPartitions=" + topicPartitions
                + ", topicReplication=" + topicReplication + "]";
    }

    public SchemaRegistryClient registryClient() {
        return new SchemaRegistryClient(schemaRegistryUrl, Duration.ofSeconds(5));
    }
}
