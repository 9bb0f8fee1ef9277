package dev.onramp.runtime.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.serde.RegistryAccess;
import dev.onramp.schemas.serde.RegistryCredentials;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Where the cluster and the registry are, and how to reach them, read from the environment. Shared by every service
 * so that they all take the same variables (docs/configuration.md, "Every service"):
 * <ul>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS}, and {@code KAFKA_CLIENT_*} passed to every Kafka client, e.g.
 *       {@code KAFKA_CLIENT_SECURITY_PROTOCOL=SASL_SSL} becomes {@code security.protocol}</li>
 *   <li>{@code SCHEMA_REGISTRY_URL}, {@code SCHEMA_REGISTRY_USER_INFO} or {@code SCHEMA_REGISTRY_BEARER_TOKEN},
 *       {@code SCHEMA_REGISTRY_TRUSTSTORE} (+ {@code _PASSWORD})</li>
 *   <li>{@code ONRAMP_CONTRACTS}: {@code apply} (create topics, register schemas) or {@code verify} (change nothing)</li>
 *   <li>{@code ONRAMP_TOPIC_PARTITIONS} and {@code ONRAMP_TOPIC_REPLICATION} for topics created</li>
 * </ul>
 */
public record KafkaConnection(String bootstrapServers, RegistryAccess registry, Map<String, String> clientSettings,
                              int topicPartitions, short topicReplication, TopicContracts.Mode contracts) {
    public static final String CLIENT_PREFIX = "KAFKA_CLIENT_";
    /** Chosen by measuring the whole pipeline's bytes per webhook and CPU with each codec (BENCHMARKS.md, disk). */
    public static final String DEFAULT_COMPRESSION = "lz4";
    private static final String LOCAL_REGISTRY = "http://127.0.0.1:8085/apis/ccompat/v7";
    private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(5);

    public static KafkaConnection fromEnv(Map<String, String> env) {
        Map<String, String> passThrough = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(CLIENT_PREFIX)) {
                passThrough.put(name.substring(CLIENT_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        TopicContracts.Mode contracts = contractsMode(env.getOrDefault("ONRAMP_CONTRACTS", "apply"));
        return new KafkaConnection(
                env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                new RegistryAccess(env.getOrDefault("SCHEMA_REGISTRY_URL", LOCAL_REGISTRY), registryCredentials(env),
                        Optional.ofNullable(env.get("SCHEMA_REGISTRY_TRUSTSTORE")).map(Path::of),
                        env.getOrDefault("SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD", ""), REGISTRY_TIMEOUT,
                        contracts == TopicContracts.Mode.VERIFY ? TopicContracts.contractSubjects() : Set.of()),
                Map.copyOf(passThrough),
                Integer.parseInt(env.getOrDefault("ONRAMP_TOPIC_PARTITIONS", "3")),
                Short.parseShort(env.getOrDefault("ONRAMP_TOPIC_REPLICATION", "1")),
                contracts);
    }

    public static KafkaConnection local(String bootstrapServers, String schemaRegistryUrl) {
        return new KafkaConnection(bootstrapServers, RegistryAccess.plain(schemaRegistryUrl, REGISTRY_TIMEOUT), Map.of(), 3, (short) 1,
                TopicContracts.Mode.APPLY);
    }

    private static TopicContracts.Mode contractsMode(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "apply" -> TopicContracts.Mode.APPLY;
            case "verify" -> TopicContracts.Mode.VERIFY;
            default -> throw new IllegalArgumentException("ONRAMP_CONTRACTS must be apply or verify, not '" + value + "'");
        };
    }

    private static RegistryCredentials registryCredentials(Map<String, String> env) {
        String userInfo = env.get("SCHEMA_REGISTRY_USER_INFO");
        String token = env.get("SCHEMA_REGISTRY_BEARER_TOKEN");
        if (userInfo != null && token != null) {
            throw new IllegalArgumentException("set SCHEMA_REGISTRY_USER_INFO or SCHEMA_REGISTRY_BEARER_TOKEN, not both");
        }
        return userInfo != null ? new RegistryCredentials.Basic(userInfo)
                : token != null ? new RegistryCredentials.Bearer(token) : new RegistryCredentials.None();
    }

    public String schemaRegistryUrl() {
        return registry.url();
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
        return "KafkaConnection[bootstrapServers=" + bootstrapServers + ", registry=" + registry
                + ", clientSettings=" + new TreeSet<>(clientSettings.keySet()) + ", topicPartitions=" + topicPartitions
                + ", topicReplication=" + topicReplication + ", contracts=" + contracts + "]";
    }

    /** A client of the registry with these credentials; in verify mode it registers no contract's schema. */
    public SchemaRegistryClient registryClient() {
        return new SchemaRegistryClient(registry);
    }
}
