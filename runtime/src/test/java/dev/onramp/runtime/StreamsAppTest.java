package dev.onramp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
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

    /** The partition assignor's own copy of the settings, built from the main consumer's, has the handler on too. */
    @Test
    void theGlobalThreadsPoisonRecordHandlingReachesTheAssignorsCopyOfTheSettings() {
        Map<String, Object> settings = new HashMap<>(StreamsApp.baseConfig(KafkaConnection.local("b:1", "r"), "app", Path.of("state"), null));
        settings.putAll(StreamsApp.poisonRecordHandling());
        StreamsConfig config = new StreamsConfig(settings);
        assertThat(config.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)).isTrue();

        StreamsConfig assignors = new StreamsConfig(config.getMainConsumerConfigs("app", "app-client", 0));
        assertThat(assignors.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)).isTrue();
    }
}
