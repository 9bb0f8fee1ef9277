package dev.onramp.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records in the Confluent wire format under the subject {@code <topic>-value} (or {@code -key}),
 * the TopicNameStrategy. Byte for byte what Confluent's {@code KafkaAvroSerializer} writes, so either can be used.
 *
 * <p>Not Confluent's own class because Confluent's Maven repository is not reachable from where this project is
 * built; this one speaks only the public registry REST API.
 */
public final class RegistryAvroSerializer<T extends GenericContainer> implements Serializer<T> {
    static {
        dev.onramp.schemas.TrustedContracts.trust();
    }

    private SchemaRegistry registry;
    private final java.util.Map<Schema, DatumWriter<T>> writers = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean autoRegister = true;
    private boolean isKey;

    public RegistryAvroSerializer() {
    }

    /** A serializer sharing an existing client, and so its id cache. */
    public RegistryAvroSerializer(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (registry == null) {
            registry = SerdeConfig.client(configs);
        }
        autoRegister = SerdeConfig.flag(configs, SerdeConfig.AUTO_REGISTER_SCHEMAS, true);
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("serializer used before configure()");
        }
        Schema schema = record.getSchema();
        String subject = topic + (isKey ? "-key" : "-value");
        int id;
        try {
            id = autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema);
        } catch (SchemaRegistryException e) {
            throw new SchemaRegistryException(e.httpStatus(), "cannot write " + schema.getFullName() + " to topic "
                    + topic + ": " + e.getMessage());
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            ByteBuffer header = ByteBuffer.allocate(ConfluentWireFormat.HEADER_SIZE);
            ConfluentWireFormat.writeHeader(header, id);
            out.write(header.array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writers.computeIfAbsent(schema, ignored -> writerFor(record, schema)).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<T> writerFor(T record, Schema schema) {
        // The generated class's own model knows its logical-type conversions (Instant for timestamp-millis).
        // Taken from the class, not looked up by schema name, which Avro's class-security check forbids.
        return record instanceof SpecificRecord
                ? new SpecificDatumWriter<>(schema, SpecificData.getForClass(record.getClass()))
                : new GenericDatumWriter<>(schema);
    }
}
