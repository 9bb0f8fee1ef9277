package dev.onramp.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.onramp.schemas.TrustedContracts;
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
 * <p>Not Confluent's own class: that lives in Confluent's Maven repository, and the project builds from Maven Central
 * alone. This one speaks only the public registry REST API.
 */
public final class RegistryAvroSerializer<T extends GenericContainer> implements Serializer<T> {
    static {
        TrustedContracts.trust();
    }

    private SchemaRegistry registry;
    private final Map<Schema, DatumWriter<?>> writers = new ConcurrentHashMap<>();
    private static final int RECENT = 4;
    private volatile Resolved[] recentlyResolved = new Resolved[0];
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
        Resolved resolved = recent(topic, schema);
        if (resolved == null) {
            resolved = resolve(topic, schema, record);
            remember(resolved);
        }
        try {
            Buffer buffer = BUFFERS.get();
            buffer.reset();
            ConfluentWireFormat.writeHeader(buffer, resolved.id);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(buffer, buffer.encoder);
            buffer.encoder = encoder;
            resolved.<T>writer().write(record, encoder);
            encoder.flush();
            byte[] bytes = buffer.toByteArray();
            if (buffer.isOversized()) {
                BUFFERS.remove();  // one large record (a dead-lettered body) should not pin its buffer to the thread
            }
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private Resolved resolve(String topic, Schema schema, T record) {
        String subject = topic + (isKey ? "-key" : "-value");
        int id;
        try {
            id = autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema);
        } catch (SchemaRegistryException e) {
            throw new SchemaRegistryException(e.httpStatus(), "cannot write " + schema.getFullName() + " to topic "
                    + topic + ": " + e.getMessage());
        }
        return new Resolved(topic, schema, id, writers.computeIfAbsent(schema, ignored -> writerFor(record, schema)));
    }

    /**
     * Hot path: a (topic, schema) written recently, compared by identity (Kafka and Streams pass the same String
     * instances), so no subject string is built and no map is hashed. A few entries, because one serde often
     * serves a store's changelog and a sink topic in turn.
     */
    private Resolved recent(String topic, Schema schema) {
        for (Resolved r : recentlyResolved) {
            if (r.topic == topic && r.schema == schema) {
                return r;
            }
        }
        return null;
    }

    private void remember(Resolved resolved) {
        Resolved[] current = recentlyResolved;
        Resolved[] next = new Resolved[Math.min(RECENT, current.length + 1)];
        next[0] = resolved;
        System.arraycopy(current, 0, next, 1, next.length - 1);
        recentlyResolved = next;
    }

    /** A (topic, schema) written and what it resolved to; immutable, so threads can share it. */
    private record Resolved(String topic, Schema schema, int id, DatumWriter<?> writerAny) {
        @SuppressWarnings("unchecked")
        <T> DatumWriter<T> writer() {
            return (DatumWriter<T>) writerAny;
        }
    }

    /** A per-thread output buffer and encoder, reused: a record is copied out once, at the end. */
    private static final class Buffer extends ByteArrayOutputStream {
        private BinaryEncoder encoder;

        Buffer() {
            super(1024);
        }

        boolean isOversized() {
            return buf.length > 64 * 1024;
        }
    }

    private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

    @SuppressWarnings("unchecked")
    private DatumWriter<T> writerFor(T record, Schema schema) {
        // The generated class's own model knows its logical-type conversions (Instant for timestamp-millis).
        // Taken from the class, not looked up by schema name, which Avro's class-security check forbids.
        return record instanceof SpecificRecord
                ? new SpecificDatumWriter<>(schema, SpecificData.getForClass(record.getClass()))
                : new GenericDatumWriter<>(schema);
    }
}
