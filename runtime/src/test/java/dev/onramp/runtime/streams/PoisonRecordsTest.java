package dev.onramp.runtime.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;

import dev.onramp.schemas.PoisonStage;
import dev.onramp.schemas.serde.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class PoisonRecordsTest {
    @Test
    void bytesThatAreNotTheContractAreTheRecordsFault() {
        assertThat(PoisonRecords.isRecordsFault(PoisonStage.DESERIALIZATION,
                new SerializationException("starts with byte 103, not the magic byte 0"))).isTrue();
        assertThat(PoisonRecords.isRecordsFault(PoisonStage.DESERIALIZATION,
                new SerializationException("cannot decode", new IllegalArgumentException("missing field")))).isTrue();
    }

    @Test
    void anUnknownSchemaIdIsTheRecordsFaultButAnAbsentRegistryIsNot() {
        assertThat(PoisonRecords.isRecordsFault(PoisonStage.DESERIALIZATION,
                new SchemaRegistryException(404, "no schema with id 987654"))).isTrue();
        assertThat(PoisonRecords.isRecordsFault(PoisonStage.DESERIALIZATION,
                new SchemaRegistryException("registry unreachable", new EOFException()))).isFalse();
        assertThat(PoisonRecords.isRecordsFault(PoisonStage.DESERIALIZATION,
                new SchemaRegistryException(503, "registry unavailable"))).isFalse();
        assertThat(PoisonRecords.isRecordsFault(PoisonStage.PROCESSING,
                new SerializationException("cannot write", new SchemaRegistryException(401, "refused")))).isFalse();
    }

    @Test
    void processingFailuresOfTheRulesAreTheRecordsButKafkasAreNot() {
        assertThat(PoisonRecords.isRecordsFault(PoisonStage.PROCESSING, new IllegalArgumentException("keyed otherwise"))).isTrue();
        assertThat(PoisonRecords.isRecordsFault(PoisonStage.PROCESSING, new NullPointerException())).isTrue();
        assertThat(PoisonRecords.isRecordsFault(PoisonStage.PROCESSING, new StreamsException("store closed"))).isFalse();
        assertThat(PoisonRecords.isRecordsFault(PoisonStage.PROCESSING, new TimeoutException("produce"))).isFalse();
    }
}
