package dev.onramp.notifier.deciding;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.onramp.runtime.streams.TimeOrderedKey;
import dev.onramp.runtime.streams.TimeOrderedSchedule;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.ChannelSuppression;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.NotificationIntent;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.NotificationResult;
import dev.onramp.schemas.NotificationRetry;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SuppressionKeys;
import dev.onramp.schemas.SuppressionReason;
import io.opentelemetry.api.trace.Span;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides and records each notification; never sends. A due notification becomes an intent for the sender, unless
 * it is already done or its address is suppressed; the sender's result is folded into the ledger, the retry
 * schedule and the audit trail. Everything here is one Kafka transaction per commit, and no transaction ever spans a
 * network call: the send happens between two of them, in the sender.
 *
 * <p>The ledger (notification id → latest step) and the in-flight store (id → the attempt the sender has) make a
 * notification due at most once: a second outcome, a re-registered recipient or a redelivered input finds the id
 * already there. Retries wait in a time-ordered schedule, so each tick reads only what is due; a retry goes to the
 * recipient's address as it is now (read from {@link OutcomePairing}'s store).
 */
final class NotificationLedger implements Processor<String, LedgerInput, String, NotificationStep> {
    private static final Logger log = LoggerFactory.getLogger(NotificationLedger.class);
    /** A tick does a bounded slice, so a backlog never makes one punctuation (and its transaction) long. */
    private static final int MAX_PER_TICK = 1_000;

    private final List<NotificationChannel> channels;
    private final RetryPolicy retries;
    private final NotifierSettings settings;
    private final NotifierMetrics metrics;
    private final Tracing tracing;
    /** The span of the input (or the retry) being handled: every record forwarded meanwhile carries it on. */
    private Span current = Span.getInvalid();
    private final FailureLog failures = new FailureLog(log, Duration.ofMinutes(1));
    private ProcessorContext<String, NotificationStep> context;
    private KeyValueStore<String, SessionRecipient> recipients;
    private KeyValueStore<String, NotificationRecord> ledger;
    private KeyValueStore<String, NotificationIntent> inFlight;
    private TimeOrderedSchedule<NotificationIntent> retrySchedule;
    private KeyValueStore<String, String> redrivesDone;
    private TimestampedKeyValueStore<String, ChannelSuppression> suppressions;

    NotificationLedger(List<NotificationChannel> channels, NotifierSettings settings, NotifierMetrics metrics, Tracing tracing) {
        this.channels = channels;
        this.tracing = tracing;
        this.settings = settings;
        this.retries = new RetryPolicy(settings.retryInitialDelay(), settings.retryMaxDelay(), settings.retryWindow());
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, NotificationStep> context) {
        this.context = context;
        this.recipients = context.getStateStore(NotificationTopology.RECIPIENTS_STORE);
        this.ledger = context.getStateStore(NotificationTopology.LEDGER_STORE);
        this.inFlight = context.getStateStore(NotificationTopology.IN_FLIGHT_STORE);
        this.retrySchedule = new TimeOrderedSchedule<>(context.getStateStore(NotificationTopology.RETRY_STORE));
        this.redrivesDone = context.getStateStore(NotificationTopology.REDRIVES_DONE_STORE);
        this.suppressions = context.getStateStore(NotificationTopology.SUPPRESSIONS_STORE);
        context.schedule(settings.retryCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::retryDue);
    }

    /** Handled in the span {@link OutcomePairing} made current for the input this came from. */
    @Override
    public void process(Record<String, LedgerInput> record) {
        current = Span.current();
        try {
            decide(record.key(), record.value());
        } finally {
            current = Span.getInvalid();
        }
    }

    private void decide(String sessionId, LedgerInput input) {
        if (input instanceof LedgerInput.Notify notify) {
            intendAll(sessionId, notify.outcome(), notify.recipient());
        } else if (input instanceof LedgerInput.RecipientRemoved removed) {
            cancelRetries(sessionId, removed.outcome());
        } else if (input instanceof LedgerInput.Result result) {
            fold(result.result());
        } else if (input instanceof LedgerInput.Redrive redrive) {
            redrive(sessionId, redrive);
        } else if (input instanceof LedgerInput.Forget forget) {
            for (Channel channel : Channel.values()) {
                ledger.delete(NotificationIds.of(sessionId, forget.outcome(), channel));
            }
        }
    }

    private void intendAll(String sessionId, SessionOutcome outcome, SessionRecipient recipient) {
        Instant deliverBy = outcome.getOccurredAt().plus(settings.notifyWindow());
        if (!deliverBy.isAfter(now())) {
            return;
        }
        for (NotificationChannel channel : channels) {
            Optional<String> address = channel.address(recipient);
            if (address.isEmpty()) {
                continue;
            }
            String id = NotificationIds.of(sessionId, outcome.getOutcome(), channel.kind());
            if (ledger.get(id) != null || inFlight.get(id) != null) {
                // Already sent, failed for good, retrying or with the sender.
                continue;
            }
            Instant now = now();
            NotificationIntent intent = NotificationIntent.newBuilder()
                    .setNotificationId(id)
                    .setSessionId(sessionId)
                    .setOutcome(outcome)
                    .setChannel(channel.kind())
                    .setAddress(address.get())
                    .setRecipientMasked(channel.mask(address.get()))
                    .setLocale(recipient.getLocale())
                    .setAttempt(1)
                    .setFirstAttemptAt(now)
                    .setDeliverBy(deliverBy)
                    .setCreatedAt(now)
                    .build();
            intendUnlessSuppressed(channel, intent);
        }
    }

    /** An address on the suppressions table is recorded SUPPRESSED instead of sent; any other becomes an intent. */
    private void intendUnlessSuppressed(NotificationChannel channel, NotificationIntent intent) {
        Optional<ChannelSuppression> suppressed = suppression(channel, intent.getAddress());
        if (suppressed.isPresent()) {
            record(intent, DeliveryStatus.SUPPRESSED, "not sent: " + describe(suppressed.get()), null, null, now());
        } else {
            intend(intent);
        }
    }

    private Optional<ChannelSuppression> suppression(NotificationChannel channel, String address) {
        ValueAndTimestamp<ChannelSuppression> entry = suppressions.get(SuppressionKeys.key(channel.kind(), channel.identity(address)));
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.value());
    }

    private static String describe(ChannelSuppression suppression) {
        return suppression.getReason() == SuppressionReason.UNSUBSCRIBED ? "the address unsubscribed"
                : "the address is gone (" + suppression.getDetail() + ")";
    }

    private void intend(NotificationIntent intent) {
        inFlight.put(intent.getNotificationId(), intent);
        current.setAttribute(Tracing.NOTIFICATION_ID, intent.getNotificationId());
        context.forward(new Record<>(intent.getSessionId(), new NotificationStep.Intended(intent), context.currentSystemTimeMs(), trace()));
    }

    /**
     * An operator's redrive of a notification given up on: one new attempt to the recipient's address as it is now,
     * with a fresh retry and notify window (the operator decided it is still worth telling). Anything but a FAILED
     * notification with nothing in flight is left alone, so a redrive read twice, or sent twice, sends once.
     */
    private void redrive(String sessionId, LedgerInput.Redrive requested) {
        NotificationRetry retry = requested.retry();
        NotificationRecord latest = ledger.get(retry.getNotificationId());
        Optional<NotificationChannel> channel = channels.stream().filter(c -> c.kind() == retry.getChannel()).findFirst();
        if (redrivesDone.get(requested.redriveId()) != null || latest == null || latest.getStatus() != DeliveryStatus.FAILED
                || inFlight.get(retry.getNotificationId()) != null || channel.isEmpty()) {
            log.info("redrive {} of {} left alone: done before, or the notification is {}", requested.redriveId(),
                    retry.getNotificationId(), latest == null ? "unknown here" : latest.getStatus());
            return;
        }
        Instant now = now();
        redrivesDone.put(requested.redriveId(), now.toString());
        SessionRecipient recipient = requested.recipient();
        NotificationIntent intent = NotificationIntent.newBuilder()
                .setNotificationId(retry.getNotificationId())
                .setSessionId(sessionId)
                .setOutcome(retry.getOutcome())
                .setChannel(retry.getChannel())
                .setAddress(channel.get().address(recipient).orElse(""))
                .setRecipientMasked(latest.getRecipientMasked())
                .setLocale(recipient.getLocale())
                .setAttempt(latest.getAttempts() + 1)
                .setFirstAttemptAt(now)
                .setDeliverBy(now.plus(settings.notifyWindow()))
                .setCreatedAt(now)
                .build();
        log.info("redrive {}: attempt {} of {}", requested.redriveId(), intent.getAttempt(), retry.getNotificationId());
        if (intent.getAddress().isEmpty()) {
            giveUp(intent, "redriven, but the recipient has no address for " + retry.getChannel());
            return;
        }
        intendUnlessSuppressed(channel.get(), NotificationIntent.newBuilder(intent)
                .setRecipientMasked(channel.get().mask(intent.getAddress())).build());
    }

    private void fold(NotificationResult result) {
        NotificationIntent intent = inFlight.get(result.getNotificationId());
        if (intent == null || intent.getAttempt() != result.getAttempt()) {
            // A result read twice (the sender restarted before committing its offsets): already folded.
            log.debug("result for {} attempt {} already folded", result.getNotificationId(), result.getAttempt());
            return;
        }
        inFlight.delete(intent.getNotificationId());
        metrics.attempted(intent.getChannel().name(), result.getResult().name());
        switch (result.getResult()) {
            case SENT -> {
                record(intent, DeliveryStatus.SENT, result.getReason(), result.getProviderMessageId(), null, result.getAt());
                metrics.accepted(Duration.between(intent.getFirstAttemptAt(), result.getAt()));
            }
            case ALREADY_SENT -> ledger.put(intent.getNotificationId(), step(intent, DeliveryStatus.SENT,
                    "sent before, per onramp.notifications.v1; not sent again", null, null, now()));
            case TRANSIENT -> retryOrGiveUp(intent, result);
            case GONE -> gone(intent, result);
            default -> giveUp(intent, result.getReason() == null ? result.getResult().name() : result.getReason());
        }
    }

    private void retryOrGiveUp(NotificationIntent intent, NotificationResult result) {
        Instant now = now();
        // Not before the provider said it would take another attempt (its Retry-After).
        Instant notBefore = result.getRetryAfter() == null ? now : result.getRetryAfter();
        Optional<Instant> next = retries.nextAttempt(intent.getAttempt(), intent.getFirstAttemptAt(), now)
                .map(at -> at.isBefore(notBefore) ? notBefore : at)
                .filter(at -> at.isBefore(intent.getDeliverBy()) && !at.isAfter(intent.getFirstAttemptAt().plus(settings.retryWindow())));
        if (next.isEmpty()) {
            giveUp(intent, "gave up after " + intent.getAttempt() + " attempts: " + result.getReason());
            return;
        }
        failures.attemptFailed(intent.getNotificationId(), intent.getAttempt(), result.getReason(), next.get());
        retrySchedule.put(next.get(), intent.getNotificationId(), NotificationIntent.newBuilder(intent)
                .setAttempt(intent.getAttempt() + 1)
                .setCreatedAt(next.get())
                .build());
        record(intent, DeliveryStatus.RETRYING, result.getReason(), null, next.get(), result.getAt());
    }

    /** The address no longer exists: no retry, no dead letter (nothing to fix), and no later session uses it. */
    private void gone(NotificationIntent intent, NotificationResult result) {
        NotificationRecord failed = record(intent, DeliveryStatus.FAILED, "gone: " + result.getReason(), null, null, result.getAt());
        // A browser dropping its subscription is routine; a platform endpoint answering 410 is someone's to fix.
        String line = "{} to {} is gone ({}); not retried, and not used again for any session";
        if (intent.getChannel() == Channel.WEBHOOK) {
            log.warn(line, intent.getNotificationId(), intent.getRecipientMasked(), result.getReason());
        } else {
            log.info(line, intent.getNotificationId(), intent.getRecipientMasked(), result.getReason());
        }
        channelOf(intent).ifPresent(channel -> {
            String key = SuppressionKeys.key(intent.getChannel(), channel.identity(intent.getAddress()));
            ChannelSuppression suppression = ChannelSuppression.newBuilder()
                    .setChannel(intent.getChannel())
                    .setAddressHash(key.substring(key.indexOf(':') + 1))
                    .setReason(SuppressionReason.GONE)
                    .setDetail(result.getReason())
                    .setSessionId(intent.getSessionId())
                    .setAt(failed.getAt())
                    .build();
            context.forward(new Record<>(key, new NotificationStep.Suppressed(suppression), failed.getAt().toEpochMilli(), trace()));
        });
    }

    private void giveUp(NotificationIntent intent, String reason) {
        NotificationRecord failed = record(intent, DeliveryStatus.FAILED, reason, null, null, now());
        failures.gaveUp(intent.getNotificationId(), intent.getAttempt(), reason);
        NotificationDeadLetter deadLetter = NotificationDeadLetter.newBuilder()
                .setNotificationId(intent.getNotificationId())
                .setOutcome(intent.getOutcome())
                .setChannel(intent.getChannel())
                .setRecipientMasked(intent.getRecipientMasked())
                .setReason(reason)
                .setAttempts(intent.getAttempt())
                .setAt(failed.getAt())
                .build();
        context.forward(new Record<>(intent.getSessionId(), new NotificationStep.GivenUp(deadLetter), failed.getAt().toEpochMilli(), trace()));
    }

    /** Puts the step in the ledger and on the audit trail; {@code at}: when the provider answered, for an attempt. */
    private NotificationRecord record(NotificationIntent intent, DeliveryStatus status, String reason, String providerMessageId,
                                      Instant nextAttemptAt, Instant at) {
        NotificationRecord step = step(intent, status, reason, providerMessageId, nextAttemptAt, at);
        ledger.put(step.getNotificationId(), step);
        metrics.delivery(step.getChannel().name(), status.name());
        current.setAttribute(Tracing.NOTIFICATION_ID, step.getNotificationId());
        current.setAttribute(Tracing.RESULT, status.name().toLowerCase(Locale.ROOT));
        context.forward(new Record<>(step.getSessionId(), new NotificationStep.Recorded(step), step.getAt().toEpochMilli(), trace()));
        return step;
    }

    private NotificationRecord step(NotificationIntent intent, DeliveryStatus status, String reason, String providerMessageId,
                                    Instant nextAttemptAt, Instant at) {
        return NotificationRecord.newBuilder()
                .setNotificationId(intent.getNotificationId())
                .setSessionId(intent.getSessionId())
                .setOutcome(intent.getOutcome().getOutcome())
                .setChannel(intent.getChannel())
                .setRecipientMasked(intent.getRecipientMasked())
                .setStatus(status)
                .setAttempts(intent.getAttempt())
                .setProviderMessageId(providerMessageId)
                .setReason(reason)
                .setNextAttemptAt(nextAttemptAt)
                .setFirstAttemptAt(intent.getFirstAttemptAt())
                .setAt(at)
                .build();
    }

    /** Due retries, oldest first, a bounded slice per tick; each goes to the recipient's address as it is now. */
    private void retryDue(long nowMs) {
        Instant now = Instant.ofEpochMilli(nowMs);
        for (KeyValue<String, NotificationIntent> entry : retrySchedule.due(now, MAX_PER_TICK)) {
            retrySchedule.delete(entry.key);
            current = tracing.tracer().spanBuilder("retry due").setNoParent()
                    .setAttribute(Tracing.SESSION_ID, entry.value.getSessionId())
                    .setAttribute(Tracing.NOTIFICATION_ID, entry.value.getNotificationId())
                    .startSpan();
            try {
                retryNow(entry.value);
            } finally {
                current.end();
                current = Span.getInvalid();
            }
        }
        metrics.backlog(retrySchedule.approximateNumEntries(), inFlight.approximateNumEntries(), oldestOverdue(now));
    }

    private void retryNow(NotificationIntent next) {
        SessionRecipient recipient = OutcomePairing.recipientOf(recipients, next.getSessionId());
        Optional<NotificationChannel> channel = channelOf(next);
        Optional<String> address = channel.flatMap(c -> c.address(recipient));
        if (address.isEmpty()) {
            giveUp(next, "the recipient has no address for " + next.getChannel() + " any more");
            return;
        }
        NotificationIntent retry = NotificationIntent.newBuilder(next).setAddress(address.get())
                .setRecipientMasked(channel.get().mask(address.get()))
                .setLocale(recipient.getLocale()).build();
        intendUnlessSuppressed(channel.get(), retry);
    }

    private Duration oldestOverdue(Instant now) {
        return retrySchedule.oldestDue(now).map(at -> Duration.between(at, now)).orElse(Duration.ZERO);
    }

    /** A recipient removed while a retry waits: nothing more is sent, and the trail says why. */
    private void cancelRetries(String sessionId, SessionOutcome outcome) {
        SessionRecipient nobody = OutcomePairing.recipientOf(recipients, sessionId);
        for (NotificationChannel channel : channels) {
            if (channel.address(nobody).isPresent()) {
                continue; // a deployment-wide address (the platform's webhook) does not depend on the recipient
            }
            String id = NotificationIds.of(sessionId, outcome.getOutcome(), channel.kind());
            NotificationRecord waiting = ledger.get(id);
            if (waiting == null || waiting.getStatus() != DeliveryStatus.RETRYING || waiting.getNextAttemptAt() == null) {
                continue;
            }
            NotificationIntent next = retrySchedule.get(waiting.getNextAttemptAt(), id);
            retrySchedule.delete(TimeOrderedKey.of(waiting.getNextAttemptAt(), id));
            if (next != null) {
                record(NotificationIntent.newBuilder(next).setAttempt(waiting.getAttempts()).build(),
                        DeliveryStatus.FAILED, "recipient removed before delivery", null, null, now());
            }
        }
    }

    private Optional<NotificationChannel> channelOf(NotificationIntent intent) {
        return channels.stream().filter(c -> c.kind() == intent.getChannel()).findFirst();
    }

    /** Headers carrying the current span's context (none outside one). */
    private Headers trace() {
        return tracing.headers(current);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
