package dev.onramp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import dev.onramp.processor.session.SessionTopology;
import dev.onramp.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class ProcessorFloorTest {

    @Test
    void writesWhatTheShapeSaysPerEventAndARetirementEntryOncePerSession() {
        // Two sessions of four events each: a state per event, an outcome every fourth, an index write every second.
        ProcessorFloor.WriteShape shape = new ProcessorFloor.WriteShape(1.0, 0.25, 1.0, 0.5, 0.25);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "floor-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(ProcessorFloor.build(shape), props)) {
            var events = driver.createInputTopic(Topics.SESSION_EVENTS.name(), new StringSerializer(), new ByteArraySerializer());
            for (int step = 0; step < 4; step++) {
                for (String session : new String[] {"cos_A", "cos_B"}) {
                    events.pipeInput(session, (session + step).getBytes(StandardCharsets.UTF_8), 1_000L * step);
                }
            }
            var states = driver.createOutputTopic(ProcessorFloor.STATE_TOPIC, new StringDeserializer(), new ByteArrayDeserializer());
            var outcomes = driver.createOutputTopic(ProcessorFloor.OUTCOME_TOPIC, new StringDeserializer(), new ByteArrayDeserializer());
            assertThat(states.readKeyValuesToList()).hasSize(8);
            assertThat(outcomes.readKeyValuesToList()).hasSize(2);

            KeyValueStore<String, byte[]> sessions = driver.getKeyValueStore(SessionTopology.SESSIONS_STORE);
            assertThat(new String(sessions.get("cos_B"), StandardCharsets.UTF_8)).isEqualTo("cos_B3");
            // The driver commits after each input, so each store write is one changelog record.
            assertThat(changelog(driver, SessionTopology.SESSIONS_STORE)).hasSize(8);
            assertThat(changelog(driver, SessionTopology.QUIET_INDEX_STORE)).hasSize(4);
            assertThat(changelog(driver, SessionTopology.RETIREMENT_STORE)).hasSize(2);
        }
    }

    private static List<?> changelog(TopologyTestDriver driver, String store) {
        return driver.createOutputTopic("floor-test-" + store + "-changelog", new StringDeserializer(), new ByteArrayDeserializer())
                .readKeyValuesToList();
    }
}
