package dev.onramp.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class KafkaConnectionTest {
    @Test
    void passThroughSettingsArePassedOnButNeverPrinted() {
        KafkaConnection kafka = KafkaConnection.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "KAFKA_CLIENT_SASL_JAAS_CONFIG", "PlainLoginModule required username=\"u\" password=\"hunter2-secret\";"));
        assertThat(kafka.clientConfig()).containsEntry("sasl.jaas.config",
                "PlainLoginModule required username=\"u\" password=\"hunter2-secret\";");
        assertThat(kafka.toString()).contains("broker:9093").contains("sasl.jaas.config").doesNotContain("hunter2");
    }

    @Test
    void minInsyncReplicasIsTwoWhereverThereAreTwoReplicas() {
        assertThat(KafkaConnection.local("b:1", "r").minInsyncReplicas()).isEqualTo(1);
        assertThat(KafkaConnection.fromEnv(Map.of("ONRAMP_TOPIC_REPLICATION", "3")).minInsyncReplicas()).isEqualTo(2);
    }

    @Test
    void producersCompressWithLz4UnlessTheEnvironmentNamesAnotherCodec() {
        assertThat(KafkaConnection.local("b:1", "r").producerConfig()).containsEntry("compression.type", "lz4");
        assertThat(KafkaConnection.local("b:1", "r").clientConfig()).doesNotContainKey("compression.type");
        assertThat(KafkaConnection.fromEnv(Map.of("KAFKA_CLIENT_COMPRESSION_TYPE", "zstd")).producerConfig())
                .containsEntry("compression.type", "zstd");
    }
}
