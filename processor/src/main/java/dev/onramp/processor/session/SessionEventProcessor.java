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
import dev.onramp.session.state.SessionSettings;
import dev.onramp.session.state.SessionStateMachine;
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
 * looks for quiet open sessions on a wall-clock schedule ({@link SessionSettings}), and retires sessions not heard of for the retention
 * ({@link SessionRetirement}, on stream time). The rules themselves are {@link SessionStateMachine}'s; this class owns the stores.
 */
final class SessionEventProcessor implements Processor<String, OnrampSessionEvent, String, SessionChange> {
    private static final Logger log = LoggerFactory.getLogger(SessionEventProcessor.class);
    private static final AttributeKey<String> STATUS = AttributeKey.stringKey("onramp.status");

    private final SessionSettings settings;
    private final SessionMetrics metrics;
    private final SessionStateMachine machine;
    private final Tracing tracing;
    private ProcessorContext<String, SessionChange> context;
    private final Serde<SessionState> stateSerde;
    private SessionStore sessions;
    /** Open sessions → when they are next due a look (epoch ms); the tick reads only the states of the due ones. */
    private KeyValueStore<String, Long> quietIndex;
    private SessionRetirement retirement;

    SessionEventProcessor(SessionSettings settings, SessionStateMachine machine, Serde<SessionState> stateSerde,
                          SessionMetrics metrics, Tracing tracing) {
        this.settings = settings;
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
        this.quietIndex = context.getStateStore(SessionTopology.QUIET_INDEX_STORE);
        this.retirement = new SessionRetirement(settings.sessionRetention(), sessions, encoded,
                context.getStateStore(SessionTopology.RETIREMENT_STORE), quietIndex, metrics);
        context.schedule(settings.stallCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::lookForQuietSessions);
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
                    Duration.between(event.getEventCreated(), event.getReceivedAt()), settings.sessionRetention());
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        Optional<SessionStateMachine.Transition> accepted = machine.accept(before, event, now, settings.dedupHorizon());
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
        // Touch the index only when a session enters a status or leaves the watched ones: every write is a changelog record.
        boolean wasWatched = before != null && watched(before.getStatus());
        boolean isWatched = watched(state.getStatus());
        if (isWatched && !(wasWatched && before.getStatus() == state.getStatus() && before.getStatusSince().equals(state.getStatusSince()))) {
            quietIndex.put(sessionId, settings.lookupDue(state.getStatus(), state.getStatusSince(), 1).toEpochMilli());
        } else if (wasWatched && !isWatched) {
            quietIndex.delete(sessionId);
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
     * Every status that is not terminal: a session sitting in one with no news is looked up at Stripe, since its
     * webhooks may have been lost. The index keeps its first name, sessions-in-fulfillment, for its changelog's sake.
     */
    private static boolean watched(SessionStatus status) {
        return !SessionStateMachine.isTerminal(status);
    }

    private static AlertKind lookupKind(SessionStatus status) {
        return switch (status) {
            case INITIALIZED -> AlertKind.SILENT_SINCE_MINTED;
            case FULFILLMENT_PROCESSING -> AlertKind.STALLED_IN_FULFILLMENT;
            default -> AlertKind.QUIET;
        };
    }

    /**
     * Alerts each open session whose next look is due: a lookup alert (ingest's reconciler asks Stripe) at its
     * status's threshold and each doubling of it, and PAST_FINAL_HORIZON once past the horizon, after which it is
     * left to an operator. Index entries written before they held due times (they held the status's start) are
     * simply due at once and corrected here.
     */
    private void lookForQuietSessions(long nowMs) {
        Instant now = Instant.ofEpochMilli(nowMs);
        try (KeyValueIterator<String, Long> open = quietIndex.all()) {
            while (open.hasNext()) {
                var entry = open.next();
                if (entry.value != null && entry.value > nowMs) {
                    continue;
                }
                SessionState state = sessions.get(entry.key);
                if (state == null || !watched(state.getStatus())) {
                    quietIndex.delete(entry.key);
                    continue;
                }
                lookAt(entry.key, state, now);
            }
        }
    }

    private void lookAt(String sessionId, SessionState state, Instant now) {
        SessionStatus status = state.getStatus();
        Instant since = state.getStatusSince();
        Instant horizon = since.plus(settings.lookupHorizon());
        int sequence = state.getAlertsSent() + 1;
        Duration quietFor = Duration.between(since, now);
        if (!now.isBefore(horizon)) {
            alert(sessionId, state, AlertKind.PAST_FINAL_HORIZON, sequence, now.toEpochMilli());
            quietIndex.delete(sessionId);
            log.warn("session {} still {} after {} with no news (LOOKUP_HORIZON {}): no further lookups; an operator decides"
                    + " (console, needs a human)", sessionId, state.getStatusRaw(), quietFor, settings.lookupHorizon());
            return;
        }
        Instant due = settings.lookupDue(status, since, sequence);
        if (now.isBefore(due)) {
            quietIndex.put(sessionId, earlier(due, horizon).toEpochMilli());
            return;
        }
        AlertKind kind = lookupKind(status);
        alert(sessionId, state, kind, sequence, now.toEpochMilli());
        quietIndex.put(sessionId, earlier(settings.lookupDue(status, since, sequence + 1), horizon).toEpochMilli());
        if (kind == AlertKind.STALLED_IN_FULFILLMENT) {
            log.warn("session {} paid and stalled in fulfillment_processing for {} (alert {}); asking Stripe", sessionId, quietFor, sequence);
        } else {
            log.info("session {} quiet in {} for {} (alert {} {}); asking Stripe", sessionId, state.getStatusRaw(), quietFor, kind, sequence);
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
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
