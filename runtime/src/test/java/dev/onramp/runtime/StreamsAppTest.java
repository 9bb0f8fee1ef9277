package dev.onramp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import dev.onramp.runtime.kafka.KafkaConnection;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsAppTest {
    @Test
    void commitsEvery50MsUnlessKafkaClientCommitIntervalSaysOtherwise() {
        Map<String, Object> defaults = StreamsApp.baseConfig(KafkaConnection.local("b:1", "r"), "app", Path.of("state"), null);
        assertThat(defaults).containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50L)
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);

        KafkaConnection set = KafkaConnection.fromEnv(Map.of("KAFKA_CLIENT_COMMIT_INTERVAL_MS", "100"));
        assertThat(StreamsApp.baseConfig(set, "app", Path.of("state"), null)).containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    }
}
