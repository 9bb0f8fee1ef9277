package dev.onramp.audit.replay;

import static dev.onramp.session.state.SessionEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.InMemorySchemaRegistry;
import dev.onramp.session.state.SessionStateMachine;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The fold of one partition: what it reads, the outcomes it writes on the way, each session's final state once. */
class PartitionFoldTest {
    private static final TopicPartition PARTITION = new TopicPartition(Topics.SESSION_EVENTS.name(), 0);
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final Serde<SessionState> states = Topics.SESSION_STATE.valueSerde(registry);
    private final Serde<SessionOutcome> outcomes = Topics.SESSION_OUTCOMES.valueSerde(registry);
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

    @Test
    void duplicatesAndLateEventsYieldOneOutcomeAndOneFinalStatePerSession() {
        List<OnrampSessionEvent> events = List.of(
                event("a1", "cos_FoldA", SessionStatus.INITIALIZED, 1),
                event("b1", "cos_FoldB", SessionStatus.INITIALIZED, 1),
                event("a3", "cos_FoldA", SessionStatus.FULFILLMENT_COMPLETE, 3),
                event("a3", "cos_FoldA", SessionStatus.FULFILLMENT_COMPLETE, 3),
                event("a2", "cos_FoldA", SessionStatus.FULFILLMENT_PROCESSING, 2),
                event("b2", "cos_FoldB", SessionStatus.REJECTED, 2),
                event("b3", "cos_FoldB", SessionStatus.FULFILLMENT_COMPLETE, 3),
                event("c1", "cos_FoldC", SessionStatus.REQUIRES_PAYMENT, 1));

        long read = fold(events, 0, events.size());

        assertThat(read).isEqualTo(events.size());
        Map<String, List<OutcomeKind>> outcomesBySession = new HashMap<>();
        Map<String, List<SessionState>> statesBySession = new HashMap<>();
        for (ProducerRecord<String, byte[]> sent : producer.history()) {
            if (sent.topic().equals(Topics.SESSION_OUTCOMES.name())) {
                outcomesBySession.computeIfAbsent(sent.key(), k -> new ArrayList<>())
                        .add(outcomes.deserializer().deserialize(sent.topic(), sent.value()).getOutcome());
            } else {
                statesBySession.computeIfAbsent(sent.key(), k -> new ArrayList<>())
                        .add(states.deserializer().deserialize(sent.topic(), sent.value()));
            }
        }
        assertThat(outcomesBySession).containsOnly(
                Map.entry("cos_FoldA", List.of(OutcomeKind.FULFILLED)),
                Map.entry("cos_FoldB", List.of(OutcomeKind.REJECTED)));
        assertThat(statesBySession).as("one final state per session").allSatisfy((session, written) -> assertThat(written).hasSize(1));
        assertThat(statesBySession.get("cos_FoldA").get(0).getStatus()).isEqualTo(SessionStatus.FULFILLMENT_COMPLETE);
        assertThat(statesBySession.get("cos_FoldB").get(0).getStatus()).as("a terminal status is final").isEqualTo(SessionStatus.REJECTED);
        assertThat(statesBySession.get("cos_FoldC").get(0).getStatus()).isEqualTo(SessionStatus.REQUIRES_PAYMENT);
    }

    @Test
    void stopsAtTheEndFixedWhenTheReplayBegan() {
        List<OnrampSessionEvent> events = List.of(
                event("a1", "cos_FoldA", SessionStatus.INITIALIZED, 1),
                event("a2", "cos_FoldA", SessionStatus.FULFILLMENT_COMPLETE, 2));

        long read = fold(events, 0, 1);

        assertThat(read).isEqualTo(1);
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly(Topics.SESSION_STATE.name());
    }

    private long fold(List<OnrampSessionEvent> events, long start, long end) {
        MockConsumer<String, OnrampSessionEvent> consumer = new MockConsumer<>("earliest");
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.schedulePollTask(() -> {
            for (int offset = 0; offset < events.size(); offset++) {
                OnrampSessionEvent e = events.get(offset);
                consumer.addRecord(new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, e.getSessionId(), e));
            }
        });
        PartitionFold.Output output = new PartitionFold.Output(producer, Topics.SESSION_STATE.name(), states,
                Topics.SESSION_OUTCOMES.name(), outcomes.serializer());
        return new PartitionFold(consumer, PARTITION, start, end, new SessionStateMachine(), Duration.ofDays(7), output,
                new AtomicLong()).call();
    }
}
