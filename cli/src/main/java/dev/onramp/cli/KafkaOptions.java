package dev.onramp.cli;

import java.util.HashMap;
import java.util.Map;

import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import picocli.CommandLine.Option;

/**
 * {@code --bootstrap} and {@code --registry} for every command that reads or writes topics. The flags override the
 * same environment the services read, so {@code KAFKA_CLIENT_*} (TLS, SASL) applies to the commands too.
 */
public final class KafkaOptions {
    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092).")
    String bootstrap;
    @Option(names = "--registry", description = "Schema registry URL (default: SCHEMA_REGISTRY_URL or the local one).")
    String registry;

    /** Whether {@code --bootstrap} was given: commands for which Kafka is optional ask this. */
    public boolean bootstrapGiven() {
        return bootstrap != null;
    }

    public Env env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (bootstrap != null) {
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        }
        if (registry != null) {
            env.put("SCHEMA_REGISTRY_URL", registry);
        }
        return new Env(env);
    }

    public KafkaConnection connection() {
        return KafkaConnection.fromEnv(env().values());
    }

    public TopicReader topicReader() {
        return new TopicReader(connection().clientConfig());
    }
}
