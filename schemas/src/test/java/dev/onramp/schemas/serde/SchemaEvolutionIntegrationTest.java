package dev.onramp.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;

import dev.onramp.testkit.DevStackExtension;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What FULL_TRANSITIVE on the real registry lets through, and what the serializer says when it does not. */
class SchemaEvolutionIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    private static final Schema V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Evolving","namespace":"dev.onramp.test","fields":[
              {"name":"session_id","type":"string"},
              {"name":"status","type":"string"}]}""");
    private static final Schema V2_OPTIONAL_FIELD = new Schema.Parser().parse("""
            {"type":"record","name":"Evolving","namespace":"dev.onramp.test","fields":[
              {"name":"session_id","type":"string"},
              {"name":"status","type":"string"},
              {"name":"note","type":["null","string"],"default":null}]}""");
    private static final Schema V3_REQUIRED_FIELD_REMOVED = new Schema.Parser().parse("""
            {"type":"record","name":"Evolving","namespace":"dev.onramp.test","fields":[
              {"name":"session_id","type":"string"},
              {"name":"note","type":["null","string"],"default":null}]}""");

    @Test
    void optionalFieldWithDefaultRegistersAndRemovingARequiredFieldIsRefused() {
        String topic = "evolution.test";
        SchemaRegistryClient registry = new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5));
        registry.setCompatibility(topic + "-value", "FULL_TRANSITIVE");
        assertThat(registry.compatibility(topic + "-value")).isEqualTo("FULL_TRANSITIVE");

        RegistryAvroSerializer<GenericRecord> serializer = new RegistryAvroSerializer<>();
        serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, STACK.registryUrl()), false);

        byte[] v1 = serializer.serialize(topic, record(V1));
        byte[] v2 = serializer.serialize(topic, record(V2_OPTIONAL_FIELD));
        assertThat(schemaId(v2)).isNotEqualTo(schemaId(v1));

        assertThatThrownBy(() -> serializer.serialize(topic, record(V3_REQUIRED_FIELD_REMOVED)))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.isConflict()).isTrue();
                })
                .hasMessageContaining("cannot write dev.onramp.test.Evolving to topic evolution.test")
                .hasMessageContaining("HTTP 409")
                .hasMessageContaining("incompatible");
    }

    private static GenericRecord record(Schema schema) {
        GenericData.Record record = new GenericData.Record(schema);
        record.put("session_id", "cos_123");
        if (schema.getField("status") != null) {
            record.put("status", "initialized");
        }
        return record;
    }

    private static int schemaId(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }
}
