package dev.onramp.notifier.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each due notification once, whichever of outcome and recipient arrives first.
 *
 * <p>The ledger is a changelogged state store keyed by notification id, not a separate compacted topic: it is
 * written in the same Kafka transaction as the audit record and the consumed offsets, so the ledger, the
 * {@code onramp.notifications.v1} trail and our position in the inputs can never disagree.
 *
 * <p>The one window Kafka cannot close: the provider accepts a message and the process dies before the
 * transaction that records it commits. The restarted notifier sends it again, with the same Message-ID (derived
 * from the notification id), which a receiving mail system can drop. A commit is requested right after every
 * send so the window is one commit long.
 */
final class NotificationProcessor implements Processor<String, NotifierInput, String, DeliveryStep> {
    private static final Logger log = LoggerFactory.getLogger(NotificationProcessor.class);

    private final List<NotificationChannel> channels;
    private final RetryPolicy retries;
    private final NotifierRules rules;
    private final NotifierMetrics metrics;
    private ProcessorContext<String, DeliveryStep> context;
    private KeyValueStore<String, SessionOutcome> outcomes;
    private KeyValueStore<String, SessionRecipient> recipients;
    private KeyValueStore<String, NotificationRecord> ledger;
    private KeyValueStore<String, NotificationRecord> retryQueue;

    NotificationProcessor(List<NotificationChannel> channels, NotifierRules rules, NotifierMetrics metrics) {
        this.channels = channels;
        this.rules = rules;
        this.retries = new RetryPolicy(rules.retryInitialDelay(), rules.retryMaxDelay(), rules.retryWindow());
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, DeliveryStep> context) {
        this.context = context;
        this.outcomes = context.getStateStore(NotificationTopology.OUTCOMES_STORE);
        this.recipients = context.getStateStore(NotificationTopology.RECIPIENTS_STORE);
        this.ledger = context.getStateStore(NotificationTopology.LEDGER_STORE);
        this.retryQueue = context.getStateStore(NotificationTopology.RETRY_STORE);
        context.schedule(rules.retryCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::retryDue);
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, this::expireOutcomes);
    }

    @Override
    public void process(Record<String, NotifierInput> record) {
        String sessionId = record.key();
        NotifierInput input = record.value();
        if (input instanceof NotifierInput.OutcomeArrived arrived) {
            outcomeArrived(sessionId, arrived.outcome(), record.timestamp());
        } else if (input instanceof NotifierInput.RecipientChanged changed && changed.removed()) {
            recipients.delete(sessionId);
            cancelRetries(sessionId);
        } else if (input instanceof NotifierInput.RecipientChanged changed) {
            recipients.put(sessionId, changed.recipient());
            SessionOutcome outcome = outcomes.get(sessionId);
            if (outcome != null) {
                deliverAll(sessionId, outcome, changed.recipient(), Optional.empty());
            }
        }
    }

    private void outcomeArrived(String sessionId, SessionOutcome outcome, long timestamp) {
        if (outcome.getOutcome() != OutcomeKind.FULFILLED && outcome.getOutcome() != OutcomeKind.REJECTED) {
            return;
        }
        if (outcomes.get(sessionId) == null) {
            outcomes.put(sessionId, outcome);
        }
        SessionRecipient recipient = recipients.get(sessionId);
        if (recipient != null) {
            deliverAll(sessionId, outcomes.get(sessionId), recipient, Optional.of(timestamp));
        }
    }

    private void deliverAll(String sessionId, SessionOutcome outcome, SessionRecipient recipient, Optional<Long> outcomeTime) {
        for (NotificationChannel channel : channels) {
            Optional<String> address = channel.address(recipient);
            if (address.isEmpty()) {
                continue;
            }
            String id = NotificationIds.of(sessionId, outcome.getOutcome(), channel.kind());
            if (ledger.get(id) != null) {
                // Sent, failed for good, or waiting for its retry: never a second first attempt.
                continue;
            }
            Instant now = now();
            attempt(channel, new Notification(id, outcome, address.get(), recipient.getLocale()), 1, now, outcomeTime);
        }
    }

    private void attempt(NotificationChannel channel, Notification notification, int attemptNo, Instant firstAttempt,
                         Optional<Long> outcomeTime) {
        long began = System.nanoTime();
        DeliveryResult result = channel.deliver(notification);
        metrics.attempt(Duration.ofNanos(System.nanoTime() - began));
        Instant now = now();
        NotificationRecord.Builder record = NotificationRecord.newBuilder()
                .setNotificationId(notification.id())
                .setSessionId(notification.outcome().getSessionId())
                .setOutcome(notification.outcome().getOutcome())
                .setChannel(channel.kind())
                .setRecipientMasked(channel.mask(notification.address()))
                .setAttempts(attemptNo)
                .setFirstAttemptAt(firstAttempt)
                .setAt(now);
        NotificationDeadLetter deadLetter = null;
        if (result instanceof DeliveryResult.Sent sent) {
            record.setStatus(DeliveryStatus.SENT).setProviderMessageId(sent.providerMessageId());
            outcomeTime.ifPresent(t -> metrics.accepted(Duration.ofMillis(Math.max(0, now.toEpochMilli() - t))));
        } else if (result instanceof DeliveryResult.Transient failure) {
            Optional<Instant> next = retries.nextAttempt(attemptNo, firstAttempt, now);
            if (next.isPresent()) {
                record.setStatus(DeliveryStatus.RETRYING).setReason(failure.reason()).setNextAttemptAt(next.get());
            } else {
                record.setStatus(DeliveryStatus.FAILED).setReason("gave up after " + attemptNo + " attempts: " + failure.reason());
            }
        } else if (result instanceof DeliveryResult.Permanent failure) {
            record.setStatus(DeliveryStatus.FAILED).setReason(failure.reason());
        }
        NotificationRecord step = record.build();
        if (step.getStatus() == DeliveryStatus.FAILED) {
            deadLetter = NotificationDeadLetter.newBuilder()
                    .setNotificationId(step.getNotificationId())
                    .setOutcome(notification.outcome())
                    .setChannel(step.getChannel())
                    .setRecipientMasked(step.getRecipientMasked())
                    .setReason(step.getReason())
                    .setAttempts(attemptNo)
                    .setAt(now)
                    .build();
            log.warn("notification {} for session {} failed for good: {}", step.getNotificationId(), step.getSessionId(), step.getReason());
        }
        ledger.put(step.getNotificationId(), step);
        if (step.getStatus() == DeliveryStatus.RETRYING) {
            retryQueue.put(step.getNotificationId(), step);
        } else {
            retryQueue.delete(step.getNotificationId());
        }
        metrics.delivery(channel.kind().name(), step.getStatus().name());
        context.forward(new Record<>(step.getSessionId(), new DeliveryStep.Attempted(step), now.toEpochMilli()));
        if (deadLetter != null) {
            context.forward(new Record<>(step.getSessionId(), new DeliveryStep.GivenUp(deadLetter), now.toEpochMilli()));
        }
        // Record what was sent as soon as possible: this is the crash window the class comment describes.
        context.commit();
    }

    private void retryDue(long nowMs) {
        try (KeyValueIterator<String, NotificationRecord> due = retryQueue.all()) {
            while (due.hasNext()) {
                NotificationRecord waiting = due.next().value;
                if (waiting.getNextAttemptAt() != null && waiting.getNextAttemptAt().toEpochMilli() > nowMs) {
                    continue;
                }
                SessionOutcome outcome = outcomes.get(waiting.getSessionId());
                SessionRecipient recipient = recipients.get(waiting.getSessionId());
                NotificationChannel channel = channelOf(waiting);
                Optional<String> address = recipient == null || channel == null ? Optional.empty() : channel.address(recipient);
                if (outcome == null || address.isEmpty()) {
                    retryQueue.delete(waiting.getNotificationId());
                    continue;
                }
                attempt(channel, new Notification(waiting.getNotificationId(), outcome, address.get(), recipient.getLocale()),
                        waiting.getAttempts() + 1, waiting.getFirstAttemptAt() == null ? waiting.getAt() : waiting.getFirstAttemptAt(),
                        Optional.empty());
            }
        }
    }

    /** A recipient removed while a retry waits: nothing more is sent, and the trail says why. */
    private void cancelRetries(String sessionId) {
        SessionOutcome outcome = outcomes.get(sessionId);
        if (outcome == null) {
            return;
        }
        for (NotificationChannel channel : channels) {
            String id = NotificationIds.of(sessionId, outcome.getOutcome(), channel.kind());
            NotificationRecord waiting = retryQueue.get(id);
            if (waiting == null) {
                continue;
            }
            retryQueue.delete(id);
            NotificationRecord cancelled = NotificationRecord.newBuilder(waiting)
                    .setStatus(DeliveryStatus.FAILED)
                    .setReason("recipient removed before delivery")
                    .setNextAttemptAt(null)
                    .setAt(now())
                    .build();
            ledger.put(id, cancelled);
            metrics.delivery(channel.kind().name(), cancelled.getStatus().name());
            context.forward(new Record<>(sessionId, new DeliveryStep.Attempted(cancelled), context.currentSystemTimeMs()));
        }
    }

    private void expireOutcomes(long nowMs) {
        long pending = 0;
        Instant oldest = Instant.ofEpochMilli(nowMs).minus(rules.notifyWindow());
        try (KeyValueIterator<String, SessionOutcome> all = outcomes.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                if (entry.value.getOccurredAt().isBefore(oldest)) {
                    outcomes.delete(entry.key);
                } else if (recipients.get(entry.key) == null) {
                    pending++;
                }
            }
        }
        metrics.pendingWithoutRecipient(pending);
    }

    private NotificationChannel channelOf(NotificationRecord record) {
        return channels.stream().filter(c -> c.kind() == record.getChannel()).findFirst().orElse(null);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
