package dev.onramp.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.onramp.schemas.TrustedContracts;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format: resolves the writer schema by id through the registry, then decodes with Avro's
 * schema resolution into the reader's class. That resolution is what lets old events stay readable by new code.
 *
 * @param <T> a generated SpecificRecord class, or {@code Object} for GenericRecord (audit tools)
 */
public final class RegistryAvroDeserializer<T> implements Deserializer<T> {
    static {
        TrustedContracts.trust();
    }

    private final Class<T> readerClass;
    private SchemaRegistry registry;
    private boolean specific = true;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction: decodes into the class named by the writer schema. */
    public RegistryAvroDeserializer() {
        this(null, null);
    }

    public RegistryAvroDeserializer(Class<T> readerClass, SchemaRegistry registry) {
        this.readerClass = readerClass;
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = SerdeConfig.client(configs);
        }
        specific = SerdeConfig.flag(configs, SerdeConfig.SPECIFIC_AVRO_READER, true);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("deserializer used before configure()");
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        int id = ConfluentWireFormat.readSchemaId(buffer, topic);
        DatumReader<T> reader = readers.computeIfAbsent(id, this::readerFor);
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(
                    data, buffer.position(), buffer.remaining(), null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode record with schema id " + id + " on topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    private DatumReader<T> readerFor(int id) {
        Schema writer = registry.schemaById(id);
        if (!specific) {
            return new GenericDatumReader<>(writer);
        }
        SpecificData data = readerClass != null
                ? SpecificData.getForClass(readerClass)
                : SpecificData.get();
        Schema reader = readerClass != null ? data.getSchema(readerClass) : readerSchemaNamed(writer, data);
        return new SpecificDatumReader<>(writer, reader, data);
    }

    private static Schema readerSchemaNamed(Schema writer, SpecificData data) {
        Class<?> type;
        try {
            type = data.getClass(writer);
        } catch (SecurityException e) {
            throw new SerializationException("Avro does not trust " + writer.getFullName() + "; construct the "
                    + "deserializer with its class, or list its package in org.apache.avro.SERIALIZABLE_PACKAGES", e);
        }
        if (type == null) {
            throw new SerializationException("no generated class for " + writer.getFullName() + " on the classpath");
        }
        return data.getSchema(type);
    }
}
