package dev.onramp.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.privacy.KeyStore;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.runtime.privacy.SealedValue;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.NotificationRetry;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.RecipientMask;
import dev.onramp.schemas.ErasureRequest;
import dev.onramp.schemas.Redrive;
import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.StripeLookup;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.StatusChange;
import dev.onramp.schemas.Topic;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.WebhookReplay;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * "What happened to session cos_… and what did we tell the user?": every webhook received, each state change the
 * processor applied or ignored (with why), the outcome, every notification attempt, alerts, recipient changes and
 * operators' redrives and erasure requests,
 * merged in time order from the topics, which are the system of record. Each topic is read only in the session's
 * partition, and from {@code since} on when given.
 */
public final class SessionTimeline {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TopicReader scan;
    private final SchemaRegistry registry;
    private final KeyStore keys;

    /** @param keys opens the sealed webhook bodies; where a key was erased, the entry says "[erased]" */
    public SessionTimeline(TopicReader scan, SchemaRegistry registry, KeyStore keys) {
        this.scan = scan;
        this.registry = registry;
        this.keys = keys;
    }

    /** One session's records, as read from each topic (in the session's partition, from {@code since} on when given). */
    public record Records(List<ConsumerRecord<String, RawWebhook>> webhooks, List<ConsumerRecord<String, SessionState>> states,
                          List<ConsumerRecord<String, SessionOutcome>> outcomes, List<ConsumerRecord<String, SessionRecipient>> recipients,
                          List<ConsumerRecord<String, NotificationRecord>> notifications, List<ConsumerRecord<String, SessionAlert>> alerts,
                          List<ConsumerRecord<String, StripeLookup>> lookups, List<ConsumerRecord<String, Redrive>> redrives,
                          List<ConsumerRecord<String, ErasureRequest>> erasures) {
    }

    /** Everything the topics hold about one session, merged in time order (ties: the order the pipeline works in). */
    public List<TimelineEntry> of(String sessionId, Instant since, boolean revealRecipient) {
        return merge(new Records(read(Topics.WEBHOOKS_RAW, sessionId, since), read(Topics.SESSION_STATE, sessionId, since),
                read(Topics.SESSION_OUTCOMES, sessionId, since), read(Topics.RECIPIENTS, sessionId, since),
                read(Topics.NOTIFICATIONS, sessionId, since), read(Topics.SESSION_ALERTS, sessionId, since),
                read(Topics.STRIPE_LOOKUPS, sessionId, since), read(Topics.REDRIVES, sessionId, since),
                read(Topics.ERASURE_REQUESTS, sessionId, since)), since, revealRecipient, keys);
    }

    /** The timeline of one session's records; state changes before {@code since} (when given) are left out. */
    static List<TimelineEntry> merge(Records records, Instant since, boolean revealRecipient, KeyStore keys) {
        List<TimelineEntry> entries = new ArrayList<>();
        entries.addAll(webhooks(records.webhooks(), keys));
        entries.addAll(stateChanges(records.states(), since));
        entries.addAll(outcomes(records.outcomes()));
        entries.addAll(recipients(records.recipients(), revealRecipient, keys));
        entries.addAll(notifications(records.notifications(), keys));
        entries.addAll(alerts(records.alerts()));
        entries.addAll(lookups(records.lookups()));
        entries.addAll(redrives(records.redrives()));
        entries.addAll(erasures(records.erasures()));
        entries.sort(Comparator.comparing(TimelineEntry::at).thenComparing(TimelineEntry::order));
        return entries;
    }

    private static List<TimelineEntry> webhooks(List<ConsumerRecord<String, RawWebhook>> webhooks, KeyStore keys) {
        List<TimelineEntry> entries = new ArrayList<>();
        Set<String> deliveredEventIds = new HashSet<>();
        for (var record : webhooks) {
            RawWebhook raw = record.value();
            boolean repeat = !deliveredEventIds.add(raw.getEventId());
            String payload = PersonalFields.open(raw.getPayload(), keys);
            boolean erased = SealedValue.ERASED.equals(payload);
            entries.add(TimelineEntry.of(raw.getReceivedAt(), 0, "webhook",
                    "event_id", raw.getEventId(), "type", raw.getEventType(), "status", erased ? SealedValue.ERASED : statusOf(payload),
                    "body", erased ? SealedValue.ERASED : null,
                    "verified_by", raw.getVerifiedBy(), "body_sha256", raw.getBodySha256(),
                    "note", repeat ? "redelivery of an event already received: ignored as a duplicate" : null));
        }
        return entries;
    }

    /** From the latest state's history, which records every event's disposition. */
    private static List<TimelineEntry> stateChanges(List<ConsumerRecord<String, SessionState>> states, Instant since) {
        // Every state of the session was written after its first event: since bounds the read of states too.
        if (states.isEmpty()) {
            return List.of();
        }
        return states.get(states.size() - 1).value().getHistory().stream()
                .filter(change -> since == null || !change.getReceivedAt().isBefore(since))
                .map(change -> TimelineEntry.of(change.getReceivedAt(), 1, "state",
                        "event_id", change.getEventId(), "status", change.getStatusRaw(),
                        "disposition", change.getDisposition().name().toLowerCase(Locale.ROOT),
                        "why", why(change)))
                .toList();
    }

    private static List<TimelineEntry> outcomes(List<ConsumerRecord<String, SessionOutcome>> outcomes) {
        return outcomes.stream().map(record -> {
            SessionOutcome outcome = record.value();
            return TimelineEntry.of(Instant.ofEpochMilli(record.timestamp()), 2, "outcome",
                    "outcome", outcome.getOutcome().name(),
                    "previous_status", outcome.getPreviousStatus().name().toLowerCase(Locale.ROOT),
                    "deciding_event_id", outcome.getDecidingEventId(), "occurred_at", outcome.getOccurredAt().toString(),
                    "occurred_at_source", outcome.getOccurredAtSource().name());
        }).toList();
    }

    private static List<TimelineEntry> recipients(List<ConsumerRecord<String, SessionRecipient>> recipients, boolean revealRecipient,
                                                  KeyStore keys) {
        return recipients.stream().map(record -> {
            SessionRecipient recipient = record.value() == null ? null : PersonalFields.open(record.value(), keys);
            Instant at = Instant.ofEpochMilli(record.timestamp());
            return recipient == null
                    ? TimelineEntry.of(at, 3, "recipient", "change", "removed")
                    : TimelineEntry.of(at, 3, "recipient", "change", "registered",
                    "email", shown(recipient.getEmail(), revealRecipient),
                    "locale", recipient.getLocale());
        }).toList();
    }

    /** An email masked unless revealed; an erased one says so. */
    private static String shown(String email, boolean reveal) {
        return reveal || SealedValue.ERASED.equals(email) ? email : RecipientMask.email(email);
    }

    private static List<TimelineEntry> notifications(List<ConsumerRecord<String, NotificationRecord>> notifications, KeyStore keys) {
        return notifications.stream().map(record -> {
            NotificationRecord n = PersonalFields.open(record.value(), keys);
            return TimelineEntry.of(n.getAt(), 4, "notification",
                    "notification_id", n.getNotificationId(), "channel", n.getChannel().name().toLowerCase(Locale.ROOT),
                    "status", n.getStatus().name(), "to", n.getRecipientMasked(), "attempts", n.getAttempts(),
                    "provider_message_id", n.getProviderMessageId(), "reason", n.getReason());
        }).toList();
    }

    private static List<TimelineEntry> alerts(List<ConsumerRecord<String, SessionAlert>> alerts) {
        return alerts.stream().map(record -> {
            SessionAlert alert = record.value();
            return TimelineEntry.of(alert.getDetectedAt(), 5, "alert",
                    "kind", alert.getKind().name(), "sequence", alert.getSequence(), "status_since", alert.getStatusSince().toString());
        }).toList();
    }

    /** Each time ingest asked Stripe about the session, and what Stripe answered. */
    private static List<TimelineEntry> lookups(List<ConsumerRecord<String, StripeLookup>> lookups) {
        return lookups.stream().map(record -> {
            StripeLookup lookup = record.value();
            return TimelineEntry.of(lookup.getLookedUpAt(), 5, "stripe_lookup", "answer", lookup.getAnswer().name(),
                    "status", lookup.getStatusRaw(), "asked_by", lookup.getAlertKind() + " " + lookup.getAlertSequence());
        }).toList();
    }

    /** An operator's request to forget the session's person: by whose key, when (what it erased now reads "[erased]"). */
    private static List<TimelineEntry> erasures(List<ConsumerRecord<String, ErasureRequest>> erasures) {
        return erasures.stream().map(record -> TimelineEntry.of(record.value().getRequestedAt(), 6, "erasure_requested",
                "request", record.value().getRequestId(), "by", record.value().getRequestedBy())).toList();
    }

    /** An operator's redrive of one of the session's dead letters: which, by whose key, when. */
    private static List<TimelineEntry> redrives(List<ConsumerRecord<String, Redrive>> redrives) {
        return redrives.stream().map(record -> {
            Redrive redrive = record.value();
            String what = redrive.getSubject() instanceof WebhookReplay replay ? "webhook " + replay.getEventId()
                    : redrive.getSubject() instanceof NotificationRetry retry ? "notification " + retry.getNotificationId() : "?";
            return TimelineEntry.of(redrive.getRequestedAt(), 6, "redrive", "dead_letter", redrive.getRedriveId(), "what", what,
                    "by", redrive.getRequestedBy());
        }).toList();
    }

    private static String why(StatusChange change) {
        return switch (change.getDisposition()) {
            case APPLIED -> "moved the session forward";
            case DETAILS_UPDATED -> "same status; transaction details updated";
            case OLDER -> "older or equal progress than the session's state: status unchanged";
            case CONTRADICTING_TERMINAL -> "contradicts the session's terminal status: ignored, counted as an anomaly";
            case UNKNOWN_STATUS -> "status unknown to this version: recorded, rank unchanged";
            default -> null;
        };
    }

    private static String statusOf(String payload) {
        try {
            JsonNode status = JSON.readTree(payload).path("data").path("object").path("status");
            return status.isTextual() ? status.textValue() : null;
        } catch (Exception e) {
            return null;
        }
    }

    private <V extends SpecificRecord> List<ConsumerRecord<String, V>> read(Topic<V> topic, String sessionId, Instant since) {
        return scan.readKey(topic.name(), new RegistryAvroDeserializer<>(topic.valueType(), registry), sessionId, since);
    }
}
