package dev.onramp.audit.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import dev.onramp.session.state.SessionStateMachine;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.testkit.DevStackExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replay on its own, on the in-process broker: shuffled, duplicated events (some inside an aborted
 * transaction, which read_committed must skip) give the final state and one outcome per ended session; a tag
 * runs once; {@code --since} starts at the first record at or after the time. The end-to-end test covers the diff
 * against a live processor.
 */
class SessionReplayIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    private static KafkaConnection connection;

    @BeforeAll
    static void topics() throws Exception {
        connection = KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl());
        try (Admin admin = Admin.create(connection.clientConfig())) {
            TopicContracts.ensure(admin, connection.registryClient(), 3, (short) 1);
        }
    }

    @Test
    void replaysShuffledDuplicatedEventsIntoOneOutcomePerEndedSession() throws Exception {
        Random random = new Random(7);
        List<OnrampSessionEvent> events = new ArrayList<>();
        Map<String, SessionStatus> expected = new HashMap<>();
        for (int s = 0; s < 60; s++) {
            String session = String.format("cos_Replay%08d", s);
            SessionStatus end = s % 3 == 0 ? SessionStatus.REJECTED : s % 3 == 1 ? SessionStatus.FULFILLMENT_COMPLETE
                    : SessionStatus.FULFILLMENT_PROCESSING;
            List<SessionStatus> path = new ArrayList<>(List.of(SessionStatus.INITIALIZED, SessionStatus.REQUIRES_PAYMENT));
            if (end != SessionStatus.REJECTED) {
                path.add(SessionStatus.FULFILLMENT_PROCESSING);
            }
            if (end != SessionStatus.FULFILLMENT_PROCESSING) {
                path.add(end);
            }
            List<OnrampSessionEvent> mine = new ArrayList<>();
            for (int i = 0; i < path.size(); i++) {
                mine.add(event(session, "evt_" + session + "_" + i, path.get(i), i));
            }
            mine.add(mine.get(random.nextInt(mine.size())));  // a redelivery
            Collections.shuffle(mine, random);
            events.addAll(mine);
            expected.put(session, end);
        }
        Instant writtenAt = Instant.now();
        produce(events, true, writtenAt);

        SessionReplay replay = new SessionReplay(connection, null);
        SessionReplay.Result result = replay.run("shuffled", null, new SessionStateMachine());

        assertThat(result.events()).isEqualTo(events.size());
        Map<String, SessionState> states = TopicReader.readAll(STACK.bootstrapServers(),
                        Topics.SESSION_STATE.name() + SessionReplay.suffix("shuffled"), new StringDeserializer(),
                        new RegistryAvroDeserializer<>(SessionState.class, connection.registryClient())).stream()
                .collect(Collectors.toMap(r -> r.key(), r -> r.value(), (a, b) -> b));
        assertThat(states).hasSize(expected.size());
        expected.forEach((session, status) -> assertThat(states.get(session).getStatus()).as(session).isEqualTo(status));
        assertThat(states.values()).allMatch(s -> s.getHistory().size() == s.getHistory().stream().map(h -> h.getEventId()).distinct().count());

        List<SessionOutcome> outcomes = TopicReader.readAll(STACK.bootstrapServers(),
                Topics.SESSION_OUTCOMES.name() + SessionReplay.suffix("shuffled"), new StringDeserializer(),
                new RegistryAvroDeserializer<>(SessionOutcome.class, connection.registryClient())).stream().map(r -> r.value()).toList();
        Map<String, Long> perSession = outcomes.stream().collect(Collectors.groupingBy(SessionOutcome::getSessionId, Collectors.counting()));
        assertThat(perSession.keySet()).isEqualTo(expected.entrySet().stream()
                .filter(e -> e.getValue() != SessionStatus.FULFILLMENT_PROCESSING).map(Map.Entry::getKey).collect(Collectors.toSet()));
        assertThat(perSession.values()).allMatch(count -> count == 1);
        assertThat(outcomes).filteredOn(o -> o.getOutcome() == OutcomeKind.REJECTED).hasSize(20);

        // No live processor ran here, so every session differs from the (empty) live topics.
        assertThat(result.differences()).extracting(ReplayDifference::sessionId).containsAll(expected.keySet());

        assertThatThrownBy(() -> replay.run("shuffled", null, new SessionStateMachine()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already ran");

        // --since: only what was written at or after the time is replayed.
        List<OnrampSessionEvent> later = List.of(
                event("cos_ReplayLater001", "evt_later_0", SessionStatus.INITIALIZED, 0),
                event("cos_ReplayLater001", "evt_later_1", SessionStatus.FULFILLMENT_COMPLETE, 1));
        produce(later, false, writtenAt.plusSeconds(10));
        SessionReplay.Result sinceResult = replay.run("since", writtenAt.plusSeconds(5), new SessionStateMachine());
        assertThat(sinceResult.events()).isEqualTo(later.size());
        // The diff of a replay from a time covers the sessions it replayed, not every session before the time.
        assertThat(sinceResult.differences()).extracting(ReplayDifference::sessionId).containsOnly("cos_ReplayLater001");
    }

    private static OnrampSessionEvent event(String session, String eventId, SessionStatus status, int second) {
        Instant created = Instant.parse("2026-11-25T10:00:00Z").plusSeconds(second);
        return OnrampSessionEvent.newBuilder()
                .setEventId(eventId).setEventType("crypto.onramp_session_updated").setEventCreated(created)
                .setSessionId(session).setStatus(status).setStatusRaw(status.name().toLowerCase(Locale.ROOT))
                .setReceivedAt(created).build();
    }

    /**
     * Writes the events in one committed transaction, after an aborted one holding copies that must not count,
     * with the given record timestamp (what offsets-for-times looks at).
     */
    private static void produce(List<OnrampSessionEvent> events, boolean withAbortedCopies, Instant timestamp) {
        Map<String, Object> config = new HashMap<>(connection.clientConfig());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "replay-test-" + System.nanoTime());
        try (var producer = new KafkaProducer<>(config, new StringSerializer(),
                new RegistryAvroSerializer<OnrampSessionEvent>(connection.registryClient()))) {
            producer.initTransactions();
            if (withAbortedCopies) {
                producer.beginTransaction();
                events.forEach(e -> producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), null, timestamp.toEpochMilli(),
                        e.getSessionId(), OnrampSessionEvent.newBuilder(e).setStatus(SessionStatus.REJECTED).setStatusRaw("rejected").build())));
                producer.flush();
                producer.abortTransaction();
            }
            producer.beginTransaction();
            events.forEach(e -> producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), null, timestamp.toEpochMilli(),
                    e.getSessionId(), e)));
            producer.commitTransaction();
        }
    }
}
