package dev.onramp.processor.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.AlertKind;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Applies each session event to the session's state, once per event id (the state's history remembers them),
 * looks for stalled sessions on a wall-clock schedule, and retires sessions not heard of for the retention
 * ({@link SessionRetirement}, on stream time). The rules themselves are {@link SessionStateMachine}'s; this class owns the stores.
 */
final class SessionEventProcessor implements Processor<String, OnrampSessionEvent, String, SessionChange> {
    private static final Logger log = LoggerFactory.getLogger(SessionEventProcessor.class);
    private static final AttributeKey<String> STATUS = AttributeKey.stringKey("onramp.status");

    private final SessionRules rules;
    private final SessionMetrics metrics;
    private final SessionStateMachine machine;
    private final Tracing tracing;
    private ProcessorContext<String, SessionChange> context;
    private final Serde<SessionState> stateSerde;
    private SessionStore sessions;
    private KeyValueStore<String, Long> inFulfillment;
    private SessionRetirement retirement;

    SessionEventProcessor(SessionRules rules, SessionStateMachine machine, Serde<SessionState> stateSerde,
                          SessionMetrics metrics, Tracing tracing) {
        this.rules = rules;
        this.tracing = tracing;
        this.stateSerde = stateSerde;
        this.machine = machine;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SessionChange> context) {
        this.context = context;
        KeyValueStore<String, byte[]> encoded = context.getStateStore(SessionTopology.SESSIONS_STORE);
        this.sessions = new SessionStore(encoded, stateSerde);
        this.inFulfillment = context.getStateStore(SessionTopology.IN_FULFILLMENT_STORE);
        this.retirement = new SessionRetirement(rules.sessionRetention(), sessions, encoded,
                context.getStateStore(SessionTopology.RETIREMENT_STORE), inFulfillment, metrics);
        context.schedule(rules.stallCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::alertStalledSessions);
        // On stream time, so a replay retires as its history moves on; and on the wall clock, so one event stamped by a
        // clock years ahead (stream time leaps, then stands still) neither retires everything nor stops retirement.
        Punctuator retire = ignored -> retirement.tick(Math.min(context.currentStreamTimeMs(), context.currentSystemTimeMs()));
        context.schedule(SessionRetirement.CHECK_INTERVAL, PunctuationType.STREAM_TIME, retire);
        context.schedule(SessionRetirement.CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, retire);
    }

    @Override
    public void process(Record<String, OnrampSessionEvent> record) {
        OnrampSessionEvent event = record.value();
        if (event == null) {
            return;
        }
        // Every line logged while this event is applied names it (LOG_FORMAT=json carries the MDC).
        // The trace ingest started goes on here, and on in the headers of the state and outcome written.
        Span span = tracing.tracer().spanBuilder("apply session event").setSpanKind(SpanKind.CONSUMER)
                .setParent(tracing.from(record.headers()))
                .setAttribute(Tracing.SESSION_ID, String.valueOf(record.key()))
                .setAttribute(Tracing.EVENT_ID, event.getEventId())
                .startSpan();
        try (MDC.MDCCloseable session = MDC.putCloseable("session_id", record.key());
             MDC.MDCCloseable id = MDC.putCloseable("event_id", event.getEventId());
             Tracing.InLogs logged = Tracing.inLogs(span)) {
            apply(record, event, span);
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    private void apply(Record<String, OnrampSessionEvent> record, OnrampSessionEvent event, Span span) {
        String sessionId = event.getSessionId();
        if (!sessionId.equals(record.key())) {
            // The key chose this partition; an event keyed otherwise may sit apart from its session's other events,
            // and applying it here would give the session a second state. The poison-record handler sets it aside.
            throw new IllegalArgumentException("event " + event.getEventId() + " of session " + sessionId
                    + " is keyed '" + record.key() + "', not by its session id");
        }
        SessionState before = sessions.get(sessionId);
        if (retirement.beyondRetention(before, event)) {
            metrics.beyondRetention();
            span.setAttribute(Tracing.RESULT, "beyond_retention");
            log.warn("session {}: event {} ({}) reached ingest {} after Stripe created it, longer than SESSION_RETENTION ({}), and its"
                            + " session is not held: it may belong to a retired session, so it is not applied",
                    sessionId, event.getEventId(), event.getStatusRaw(),
                    Duration.between(event.getEventCreated(), event.getReceivedAt()), rules.sessionRetention());
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        Optional<SessionStateMachine.Transition> accepted = machine.accept(before, event, now, rules.dedupHorizon());
        if (accepted.isEmpty()) {
            metrics.duplicate();
            span.setAttribute(Tracing.RESULT, "duplicate");
            return;
        }
        SessionStateMachine.Transition transition = accepted.get();
        SessionState state = transition.state();
        byte[] encoded = sessions.put(sessionId, state);
        if (before == null) {
            retirement.firstSeen(sessionId, event);
        }
        // Touch the index only when a session enters or leaves a watched status: every write is a changelog record.
        boolean wasWatched = before != null && watched(before.getStatus());
        boolean isWatched = watched(state.getStatus());
        if (isWatched && !(wasWatched && before.getStatus() == state.getStatus() && before.getStatusSince().equals(state.getStatusSince()))) {
            inFulfillment.put(sessionId, state.getStatusSince().toEpochMilli());
        } else if (wasWatched && !isWatched) {
            inFulfillment.delete(sessionId);
        }
        metrics.disposition(transition.disposition());
        if (span.isRecording()) {
            span.setAttribute(Tracing.RESULT, transition.disposition().name().toLowerCase(Locale.ROOT));
            span.setAttribute(STATUS, state.getStatusRaw());
        }
        if (transition.isAnomaly()) {
            metrics.anomaly();
            log.warn("session {}: event {} says {} but the session already ended {}; ignored",
                    sessionId, event.getEventId(), event.getStatusRaw(), state.getStatusRaw());
        }
        context.forward(new Record<>(sessionId, new SessionChange.State(encoded), record.timestamp(), tracing.headers(span)));
        transition.outcome().ifPresent(outcome -> {
            metrics.outcome(outcome.getOutcome());
            Span emitted = tracing.tracer().spanBuilder("session outcome").setParent(Context.root().with(span))
                    .setAttribute(Tracing.SESSION_ID, sessionId)
                    .setAttribute(Tracing.RESULT, outcome.getOutcome().name().toLowerCase(Locale.ROOT))
                    .startSpan();
            try {
                context.forward(new Record<>(sessionId, new SessionChange.Outcome(outcome), record.timestamp(), tracing.headers(emitted)));
            } finally {
                emitted.end();
            }
        });
    }

    /**
     * The statuses a session should not sit in: fulfillment_processing (paid, crypto not delivered), and initialized
     * (minted here, and nothing from Stripe since). The index keeps its first name, sessions-in-fulfillment, for its
     * changelog topic's sake.
     */
    private static boolean watched(SessionStatus status) {
        return status == SessionStatus.FULFILLMENT_PROCESSING || status == SessionStatus.INITIALIZED;
    }

    private void alertStalledSessions(long nowMs) {
        try (KeyValueIterator<String, Long> stuck = inFulfillment.all()) {
            while (stuck.hasNext()) {
                var entry = stuck.next();
                SessionState state = sessions.get(entry.key);
                if (state == null || !watched(state.getStatus())) {
                    inFulfillment.delete(entry.key);
                    continue;
                }
                boolean minted = state.getStatus() == SessionStatus.INITIALIZED;
                long threshold = (minted ? rules.mintSilenceThreshold() : rules.stallThreshold()).toMillis();
                long stalledFor = nowMs - state.getStatusSince().toEpochMilli();
                int sequence = state.getAlertsSent() + 1;
                if (stalledFor < threshold * sequence) {
                    continue;
                }
                if (minted && sequence > SessionRules.MINT_SILENCE_ALERTS) {
                    inFulfillment.delete(entry.key);
                    continue;
                }
                alert(entry.key, state, minted ? AlertKind.SILENT_SINCE_MINTED : AlertKind.STALLED_IN_FULFILLMENT, sequence, nowMs);
                log.warn("session {} {} for {} (alert {})", entry.key, minted ? "minted and not heard of since" : "stalled in"
                        + " fulfillment_processing", Duration.ofMillis(stalledFor), sequence);
            }
        }
    }

    private void alert(String sessionId, SessionState state, AlertKind kind, int sequence, long nowMs) {
        SessionState alerted = SessionState.newBuilder(state).setAlertsSent(sequence).build();
        byte[] encoded = sessions.put(sessionId, alerted);
        SessionAlert alert = SessionAlert.newBuilder()
                .setSessionId(sessionId)
                .setKind(kind)
                .setStatus(state.getStatus())
                .setStatusSince(state.getStatusSince())
                .setDetectedAt(Instant.ofEpochMilli(nowMs))
                .setSequence(sequence)
                .build();
        metrics.alert();
        context.forward(new Record<>(sessionId, new SessionChange.State(encoded), nowMs));
        context.forward(new Record<>(sessionId, new SessionChange.Alert(alert), nowMs));
    }
}
