package dev.onramp.schemas.serde;

import java.time.Duration;
import java.util.Map;

/**
 * The settings the serde takes, under the same names as Confluent's serde where one exists, so that a user can
 * switch to {@code io.confluent.kafka.serializers.KafkaAvroSerializer} by changing only the class name.
 */
public final class SerdeConfig {
    /** Base URL of a Confluent-API schema registry. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Register the writer's schema on first use (default true); with false the schema must already exist. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Decode into the generated SpecificRecord classes (default true) instead of GenericRecord. */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** How long one registry call may take before the serde gives up with a clear error. Ours. */
    public static final String REGISTRY_TIMEOUT_MS = "onramp.schema.registry.timeout.ms";

    private SerdeConfig() {
    }

    static SchemaRegistry client(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException("missing serde setting " + SCHEMA_REGISTRY_URL);
        }
        Object timeout = configs.get(REGISTRY_TIMEOUT_MS);
        long millis = timeout == null ? 5_000 : Long.parseLong(timeout.toString());
        return new SchemaRegistryClient(url.toString(), Duration.ofMillis(millis));
    }

    static boolean flag(Map<String, ?> configs, String name, boolean fallback) {
        Object value = configs.get(name);
        return value == null ? fallback : Boolean.parseBoolean(value.toString());
    }
}
