package dev.onramp.processor.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import dev.onramp.processor.ProcessorSerdes;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.InMemorySchemaRegistry;
import dev.onramp.session.state.SessionSettings;
import dev.onramp.session.state.SessionEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/** The real topology under TopologyTestDriver, with helpers to make Stripe-like events. */
final class SessionTopologyFixture implements AutoCloseable {
    static final Instant START = SessionEvents.START;

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<String, OnrampSessionEvent> events;
    final TestOutputTopic<String, SessionState> states;
    final TestOutputTopic<String, SessionOutcome> outcomes;
    final TestOutputTopic<String, SessionAlert> alerts;
    private final ProcessorSerdes serdes = ProcessorSerdes.on(new InMemorySchemaRegistry());
    private Instant wallClock = START;

    SessionTopologyFixture() {
        this(SessionSettings.defaults());
    }

    SessionTopologyFixture(SessionSettings settings) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "processor-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try {
            props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("topology-test").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        driver = new TopologyTestDriver(SessionTopology.build(settings, serdes, new SessionMetrics(meters), Tracing.off()), props, START);
        events = driver.createInputTopic(Topics.SESSION_EVENTS.name(), Serdes.String().serializer(), serdes.events().serializer(),
                START, Duration.ofMillis(10));
        states = driver.createOutputTopic(Topics.SESSION_STATE.name(), Serdes.String().deserializer(), serdes.state().deserializer());
        outcomes = driver.createOutputTopic(Topics.SESSION_OUTCOMES.name(), Serdes.String().deserializer(), serdes.outcomes().deserializer());
        alerts = driver.createOutputTopic(Topics.SESSION_ALERTS.name(), Serdes.String().deserializer(), serdes.alerts().deserializer());
    }

    static OnrampSessionEvent event(String eventId, String sessionId, SessionStatus status, long createdSecond) {
        return SessionEvents.event(eventId, sessionId, status, createdSecond);
    }

    static OnrampSessionEvent event(String eventId, String sessionId, SessionStatus status, String statusRaw,
                                    long createdSecond, String transactionId) {
        return SessionEvents.event(eventId, sessionId, status, statusRaw, createdSecond, transactionId);
    }

    /** The four events of a session that completes, one second apart. */
    static List<OnrampSessionEvent> lifecycle(String sessionId) {
        return List.of(
                event(sessionId + "_e1", sessionId, SessionStatus.INITIALIZED, 1),
                event(sessionId + "_e2", sessionId, SessionStatus.REQUIRES_PAYMENT, 2),
                event(sessionId + "_e3", sessionId, SessionStatus.FULFILLMENT_PROCESSING, 3),
                event(sessionId + "_e4", sessionId, SessionStatus.FULFILLMENT_COMPLETE, "fulfillment_complete", 4, "0xabc"));
    }

    void send(OnrampSessionEvent event) {
        events.pipeInput(event.getSessionId(), event);
    }

    /** The event as ingest writes it: the record's timestamp is its receipt time, which drives stream time. */
    void sendAtReceipt(OnrampSessionEvent event) {
        events.pipeInput(event.getSessionId(), event, event.getReceivedAt());
    }

    /** The driver's wall clock moved forward to {@code to} (never back). */
    void wallClockTo(Instant to) {
        if (to.isAfter(wallClock)) {
            driver.advanceWallClockTime(Duration.between(wallClock, to));
            wallClock = to;
        }
    }

    /** A state put into the store directly, as a version without retirement left it: no schedule entry. */
    void storeUnscheduled(SessionState state) {
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(SessionTopology.SESSIONS_STORE);
        store.put(state.getSessionId(), serdes.state().serializer().serialize(Topics.SESSION_STATE.name(), state));
    }

    void sendAll(List<OnrampSessionEvent> all) {
        all.forEach(this::send);
    }

    SessionState state(String sessionId) {
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(SessionTopology.SESSIONS_STORE);
        return SessionStore.get(store, serdes.state(), sessionId);
    }

    /** The latest state per session on the compacted topic, as a reader of the table sees it. */
    Map<String, SessionState> latestStates() {
        return states.readKeyValuesToMap();
    }

    Map<String, List<SessionOutcome>> outcomesBySession() {
        return outcomes.readValuesToList().stream().collect(Collectors.groupingBy(SessionOutcome::getSessionId));
    }

    double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        driver.close();
    }
}
