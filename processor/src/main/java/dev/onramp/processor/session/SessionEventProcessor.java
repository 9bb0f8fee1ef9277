package dev.onramp.processor.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.onramp.schemas.AlertKind;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each session event to the session's state, once per event id (the state's history remembers them), and
 * looks for stalled sessions on a wall-clock schedule. The rules themselves are {@link SessionStateMachine}'s; this class owns the stores.
 */
final class SessionEventProcessor implements Processor<String, OnrampSessionEvent, String, SessionChange> {
    private static final Logger log = LoggerFactory.getLogger(SessionEventProcessor.class);

    private final SessionRules rules;
    private final SessionMetrics metrics;
    private final SessionStateMachine machine;
    private ProcessorContext<String, SessionChange> context;
    private final Serde<SessionState> stateSerde;
    private SessionStore sessions;
    private KeyValueStore<String, Long> inFulfillment;

    SessionEventProcessor(SessionRules rules, SessionStateMachine machine, Serde<SessionState> stateSerde,
                          SessionMetrics metrics) {
        this.rules = rules;
        this.stateSerde = stateSerde;
        this.machine = machine;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SessionChange> context) {
        this.context = context;
        this.sessions = new SessionStore(context.getStateStore(SessionTopology.SESSIONS_STORE), stateSerde);
        this.inFulfillment = context.getStateStore(SessionTopology.IN_FULFILLMENT_STORE);
        context.schedule(rules.stallCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::alertStalledSessions);
    }

    @Override
    public void process(Record<String, OnrampSessionEvent> record) {
        OnrampSessionEvent event = record.value();
        if (event == null) {
            return;
        }
        String sessionId = event.getSessionId();
        if (!sessionId.equals(record.key())) {
            // The key chose this partition; an event keyed otherwise may sit apart from its session's other events,
            // and applying it here would give the session a second state. The poison-record handler sets it aside.
            throw new IllegalArgumentException("event " + event.getEventId() + " of session " + sessionId
                    + " is keyed '" + record.key() + "', not by its session id");
        }
        SessionState before = sessions.get(sessionId);
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        Optional<SessionStateMachine.Transition> accepted = machine.accept(before, event, now, rules.dedupHorizon());
        if (accepted.isEmpty()) {
            metrics.duplicate();
            return;
        }
        SessionStateMachine.Transition transition = accepted.get();
        SessionState state = transition.state();
        byte[] encoded = sessions.put(sessionId, state);
        // Touch the index only when a session enters or leaves fulfillment_processing: every write is a changelog record.
        boolean wasProcessing = before != null && before.getStatus() == SessionStatus.FULFILLMENT_PROCESSING;
        boolean isProcessing = state.getStatus() == SessionStatus.FULFILLMENT_PROCESSING;
        if (isProcessing && !(wasProcessing && before.getStatusSince().equals(state.getStatusSince()))) {
            inFulfillment.put(sessionId, state.getStatusSince().toEpochMilli());
        } else if (wasProcessing && !isProcessing) {
            inFulfillment.delete(sessionId);
        }
        metrics.disposition(transition.disposition());
        if (transition.isAnomaly()) {
            metrics.anomaly();
            log.warn("session {}: event {} says {} but the session already ended {}; ignored",
                    sessionId, event.getEventId(), event.getStatusRaw(), state.getStatusRaw());
        }
        context.forward(new Record<>(sessionId, new SessionChange.State(encoded), record.timestamp()));
        transition.outcome().ifPresent(outcome -> {
            metrics.outcome(outcome.getOutcome());
            context.forward(new Record<>(sessionId, new SessionChange.Outcome(outcome), record.timestamp()));
        });
    }

    private void alertStalledSessions(long nowMs) {
        long threshold = rules.stallThreshold().toMillis();
        try (KeyValueIterator<String, Long> stuck = inFulfillment.all()) {
            while (stuck.hasNext()) {
                var entry = stuck.next();
                SessionState state = sessions.get(entry.key);
                if (state == null || state.getStatus() != SessionStatus.FULFILLMENT_PROCESSING) {
                    inFulfillment.delete(entry.key);
                    continue;
                }
                long stalledFor = nowMs - state.getStatusSince().toEpochMilli();
                int sequence = state.getAlertsSent() + 1;
                if (stalledFor < threshold * sequence) {
                    continue;
                }
                SessionState alerted = SessionState.newBuilder(state).setAlertsSent(sequence).build();
                byte[] encoded = sessions.put(entry.key, alerted);
                SessionAlert alert = SessionAlert.newBuilder()
                        .setSessionId(entry.key)
                        .setKind(AlertKind.STALLED_IN_FULFILLMENT)
                        .setStatus(state.getStatus())
                        .setStatusSince(state.getStatusSince())
                        .setDetectedAt(Instant.ofEpochMilli(nowMs))
                        .setSequence(sequence)
                        .build();
                metrics.alert();
                log.warn("session {} stalled in fulfillment_processing for {} (alert {})",
                        entry.key, Duration.ofMillis(stalledFor), sequence);
                context.forward(new Record<>(entry.key, new SessionChange.State(encoded), nowMs));
                context.forward(new Record<>(entry.key, new SessionChange.Alert(alert), nowMs));
            }
        }
    }
}
