package dev.onramp.processor.session;

import static dev.onramp.schemas.Topics.SESSION_ALERTS;
import static dev.onramp.schemas.Topics.SESSION_EVENTS;
import static dev.onramp.schemas.Topics.SESSION_OUTCOMES;
import static dev.onramp.schemas.Topics.SESSION_STATE;

import dev.onramp.processor.ProcessorSerdes;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.session.state.SessionSettings;
import dev.onramp.session.state.SessionStateMachine;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's whole data flow, top to bottom:
 *
 * <pre>
 *   onramp.session-events.v1 (key: session id)
 *     -> drop event ids the session's history saw within the horizon
 *     -> drop events of sessions not held that reached ingest longer than the retention after Stripe made them
 *     -> apply to the session's state (SessionStateMachine) [store: session-state] (encoded once, queryable)
 *     -> split by kind of change:
 *          state (every one)      -> onramp.session-state.v1   (compacted table)
 *          outcome (once)         -> onramp.session-outcomes.v1
 *   wall clock, every check interval
 *     -> sessions in fulfillment_processing too long       [store: sessions-in-fulfillment]
 *     -> state and alert          -> onramp.session-state.v1, onramp.session-alerts.v1
 *   stream time, every minute
 *     -> sessions not heard of for the retention leave the store [store: session-retirement] (time-ordered)
 * </pre>
 *
 * {@code SessionTopologyTest} checks that the diagram names the topics and stores the topology builds, no more.
 * Each record written carries the trace context of the event that caused it ({@code traceparent} header).
 * Every topic is keyed by session id, so nothing is repartitioned and one task owns all of a session.
 */
public final class SessionTopology {
    public static final String SESSIONS_STORE = "session-state";
    public static final String QUIET_INDEX_STORE = "sessions-in-fulfillment";
    public static final String RETIREMENT_STORE = "session-retirement";

    private SessionTopology() {
    }

    public static Topology build(SessionSettings settings, ProcessorSerdes serdes, SessionMetrics metrics, Tracing tracing) {
        SessionStateMachine machine = new SessionStateMachine();
        StreamsBuilder builder = new StreamsBuilder();

        // Caching: under EOS a store is flushed at each commit anyway; the cache turns repeated writes of one
        // session within a commit interval into one changelog record.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SESSIONS_STORE), Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(QUIET_INDEX_STORE), Serdes.String(), Serdes.Long()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(RETIREMENT_STORE), Serdes.String(), Serdes.String()).withCachingEnabled());

        KStream<String, SessionChange> changes = builder
                .stream(SESSION_EVENTS.name(), Consumed.with(Serdes.String(), serdes.events()).withName("session-events"))
                .process(() -> new SessionEventProcessor(settings, machine, serdes.state(), metrics, tracing), Named.as("apply-session-rules"),
                        SESSIONS_STORE, QUIET_INDEX_STORE, RETIREMENT_STORE);

        changes.split(Named.as("session-change-"))
                // The state as the store holds it, encoded once (see SessionStore).
                .branch((id, change) -> change instanceof SessionChange.State, Branched.withConsumer(states -> states
                        .mapValues(change -> ((SessionChange.State) change).encoded(), Named.as("state"))
                        .to(SESSION_STATE.name(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("to-session-state")),
                        "state"))
                .branch((id, change) -> change instanceof SessionChange.Outcome, Branched.withConsumer(outcomes -> outcomes
                        .mapValues(change -> ((SessionChange.Outcome) change).outcome(), Named.as("outcome"))
                        .to(SESSION_OUTCOMES.name(), Produced.with(Serdes.String(), serdes.outcomes()).withName("to-session-outcomes")),
                        "outcome"))
                .branch((id, change) -> change instanceof SessionChange.Alert, Branched.withConsumer(alerts -> alerts
                        .mapValues(change -> ((SessionChange.Alert) change).alert(), Named.as("alert"))
                        .to(SESSION_ALERTS.name(), Produced.with(Serdes.String(), serdes.alerts()).withName("to-session-alerts")),
                        "alert"))
                .noDefaultBranch();

        return builder.build();
    }
}
