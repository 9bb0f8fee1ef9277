package dev.onramp.schemas.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The serializer and deserializer of one record type, for Kafka Streams. */
public final class RegistryAvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final RegistryAvroSerializer<T> serializer;
    private final RegistryAvroDeserializer<T> deserializer;

    public RegistryAvroSerde(Class<T> type, SchemaRegistry registry) {
        this.serializer = new RegistryAvroSerializer<>(registry);
        this.deserializer = new RegistryAvroDeserializer<>(type, registry);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
