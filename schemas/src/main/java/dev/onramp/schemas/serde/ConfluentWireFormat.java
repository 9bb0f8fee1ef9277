package dev.onramp.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Confluent's framing: magic byte 0x00, the schema id as a 4-byte big-endian int, then plain Avro binary.
 * Readers with Confluent's deserializer, kcat, Flink or ksqlDB read our topics as they read any other.
 */
final class ConfluentWireFormat {
    static final byte MAGIC_BYTE = 0x0;
    static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {
    }

    static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }

    /** Reads the header and leaves {@code buffer} positioned at the Avro payload. */
    static int readSchemaId(ByteBuffer buffer, String topic) {
        if (buffer.remaining() < HEADER_SIZE) {
            throw new SerializationException("record on " + topic + " is " + buffer.remaining()
                    + " bytes, too short for the Confluent wire format");
        }
        byte magic = buffer.get();
        if (magic != MAGIC_BYTE) {
            throw new SerializationException("record on " + topic + " starts with byte " + magic
                    + ", not the Confluent wire format's magic byte 0");
        }
        return buffer.getInt();
    }
}
