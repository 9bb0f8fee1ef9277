package dev.onramp.notifier.deciding;

import java.time.Duration;
import java.time.Instant;

import dev.onramp.runtime.streams.ScheduleBackfill;
import dev.onramp.runtime.streams.TimeOrderedSchedule;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Pairs each session's outcome with who to tell: whichever of outcome and recipient arrives second makes the
 * notifications due, and {@link NotificationLedger} (next in the same task) decides which are. Holds the outcomes and
 * recipients for the notify window and lets them go when it ends, a slice per tick, in the order they expire.
 *
 * <p>Each input is handled in a span of its own, current while the ledger handles what this forwards, so that the
 * ledger's records carry it on.
 */
final class OutcomePairing implements Processor<String, NotifierInput, String, LedgerInput> {
    /** A tick does a bounded slice, so a backlog never makes one punctuation (and its transaction) long. */
    private static final int MAX_PER_TICK = 1_000;
    private static final int MAX_WALKED_PER_TICK = 20_000;
    /** Sorts after every time-ordered key of the recipient-expiry store, so no range of due entries reaches it. */
    static final String EVERY_RECIPIENT_SCHEDULED = "~every-recipient-scheduled";

    private final NotifierSettings settings;
    private final NotifierMetrics metrics;
    private final Tracing tracing;
    private ProcessorContext<String, LedgerInput> context;
    private KeyValueStore<String, SessionOutcome> outcomes;
    private TimeOrderedSchedule<String> outcomeExpiry;
    private KeyValueStore<String, SessionRecipient> recipients;
    private TimeOrderedSchedule<String> recipientExpiry;
    /** Recipients stored by a version without recipient-expiry are scheduled once, a slice per tick; then a marker. */
    private ScheduleBackfill<SessionRecipient> unscheduledRecipients;

    OutcomePairing(NotifierSettings settings, NotifierMetrics metrics, Tracing tracing) {
        this.settings = settings;
        this.metrics = metrics;
        this.tracing = tracing;
    }

    @Override
    public void init(ProcessorContext<String, LedgerInput> context) {
        this.context = context;
        this.outcomes = context.getStateStore(NotificationTopology.OUTCOMES_STORE);
        this.outcomeExpiry = new TimeOrderedSchedule<>(context.getStateStore(NotificationTopology.OUTCOME_EXPIRY_STORE));
        this.recipients = context.getStateStore(NotificationTopology.RECIPIENTS_STORE);
        KeyValueStore<String, String> recipientExpiryStore = context.getStateStore(NotificationTopology.RECIPIENT_EXPIRY_STORE);
        this.recipientExpiry = new TimeOrderedSchedule<>(recipientExpiryStore);
        this.unscheduledRecipients = new ScheduleBackfill<>(recipients, recipientExpiryStore, EVERY_RECIPIENT_SCHEDULED);
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    @Override
    public void process(Record<String, NotifierInput> record) {
        Span span = tracing.tracer().spanBuilder(spanName(record.value())).setSpanKind(SpanKind.CONSUMER)
                .setParent(tracing.from(record.headers()))
                .setAttribute(Tracing.SESSION_ID, String.valueOf(record.key()))
                .startSpan();
        try (Scope current = span.makeCurrent(); Tracing.InLogs logged = Tracing.inLogs(span)) {
            pair(record);
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    private static String spanName(NotifierInput input) {
        if (input instanceof NotifierInput.OutcomeArrived) {
            return "notify of outcome";
        } else if (input instanceof NotifierInput.RecipientChanged) {
            return "recipient changed";
        } else if (input instanceof NotifierInput.ResultReported) {
            return "record send result";
        }
        return "redrive notification";
    }

    private void pair(Record<String, NotifierInput> record) {
        String sessionId = record.key();
        NotifierInput input = record.value();
        if (input instanceof NotifierInput.OutcomeArrived arrived) {
            outcomeArrived(record, arrived.outcome());
        } else if (input instanceof NotifierInput.RecipientChanged changed && changed.removed()) {
            recipients.delete(sessionId);
            SessionOutcome outcome = outcomes.get(sessionId);
            if (outcome != null) {
                forward(record, new LedgerInput.RecipientRemoved(outcome));
            }
        } else if (input instanceof NotifierInput.RecipientChanged changed) {
            recipients.put(sessionId, changed.recipient());
            recipientExpiry.put(now().plus(settings.notifyWindow()), sessionId, sessionId);
            SessionOutcome outcome = outcomes.get(sessionId);
            if (outcome != null) {
                forward(record, new LedgerInput.Notify(outcome, changed.recipient()));
            }
        } else if (input instanceof NotifierInput.ResultReported reported) {
            forward(record, new LedgerInput.Result(reported.result()));
        } else if (input instanceof NotifierInput.RetryRequested requested) {
            forward(record, new LedgerInput.Redrive(requested.redriveId(), requested.retry(), recipientOf(recipients, sessionId)));
        }
    }

    private void outcomeArrived(Record<String, NotifierInput> record, SessionOutcome outcome) {
        String sessionId = record.key();
        boolean told = outcome.getOutcome() == OutcomeKind.FULFILLED || outcome.getOutcome() == OutcomeKind.REJECTED;
        Instant windowEnd = outcome.getOccurredAt().plus(settings.notifyWindow());
        if (!told || !windowEnd.isAfter(now()) || outcomes.get(sessionId) != null) {
            return;
        }
        outcomes.put(sessionId, outcome);
        outcomeExpiry.put(windowEnd, sessionId, sessionId);
        // Nobody registered yet: the platform's webhook (a deployment-wide address) is still due.
        forward(record, new LedgerInput.Notify(outcome, recipientOf(recipients, sessionId)));
    }

    private void forward(Record<String, NotifierInput> record, LedgerInput input) {
        context.forward(record.withValue(input));
    }

    /** The session's recipient, or one with no address (a deployment-wide channel still has one). */
    static SessionRecipient recipientOf(KeyValueStore<String, SessionRecipient> recipients, String sessionId) {
        SessionRecipient recipient = recipients.get(sessionId);
        return recipient != null ? recipient
                : SessionRecipient.newBuilder().setSessionId(sessionId).setUpdatedAt(Instant.EPOCH).build();
    }

    /**
     * What the notifier holds about a session leaves when its notify window ends, a slice per tick, in the order they
     * expire: the outcome, its notifications' ledger entries (an outcome re-read after the window is refused at
     * arrival, so nothing needs them to de-duplicate) and the recipient. A recipient registered for a session whose
     * outcome never came leaves a notify window after it registered.
     */
    private void expire(long nowMs) {
        Instant now = Instant.ofEpochMilli(nowMs);
        unscheduledRecipients.step(MAX_WALKED_PER_TICK, (sessionId, recipient) ->
                recipientExpiry.put(recipient.getUpdatedAt().plus(settings.notifyWindow()), sessionId, sessionId));
        for (KeyValue<String, String> entry : outcomeExpiry.due(now, MAX_PER_TICK)) {
            outcomeExpiry.delete(entry.key);
            String sessionId = entry.value;
            SessionOutcome outcome = outcomes.get(sessionId);
            outcomes.delete(sessionId);
            if (outcome != null) {
                context.forward(new Record<>(sessionId, new LedgerInput.Forget(outcome.getOutcome()), nowMs));
            }
            recipients.delete(sessionId);
        }
        for (KeyValue<String, String> entry : recipientExpiry.due(now, MAX_PER_TICK)) {
            recipientExpiry.delete(entry.key);
            String sessionId = entry.value;
            SessionRecipient recipient = recipients.get(sessionId);
            // Held for an outcome (it leaves with it), or registered again since (a later entry is its own).
            boolean stays = recipient == null || outcomes.get(sessionId) != null
                    || recipient.getUpdatedAt().plus(settings.notifyWindow()).isAfter(now);
            if (!stays) {
                recipients.delete(sessionId);
            }
        }
        metrics.outcomesHeld(outcomes.approximateNumEntries());
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
