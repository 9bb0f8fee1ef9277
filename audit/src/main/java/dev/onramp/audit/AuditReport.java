package dev.onramp.audit;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.Topic;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Counts for a period [from, to), by record time, from the topics. */
public final class AuditReport {
    private final TopicReader scan;
    private final SchemaRegistry registry;

    public AuditReport(TopicReader scan, SchemaRegistry registry) {
        this.scan = scan;
        this.registry = registry;
    }

    /**
     * What a report counts, as read from the topics: {@code accepted}, {@code deadLettered} and {@code alerts} only by
     * record time; the state table, the notifications and the recipients whole (their latest value per key matters).
     */
    public record Records(List<? extends ConsumerRecord<String, ?>> accepted, List<? extends ConsumerRecord<String, ?>> deadLettered,
                          List<ConsumerRecord<String, SessionState>> states, List<ConsumerRecord<String, SessionOutcome>> outcomes,
                          List<ConsumerRecord<String, NotificationRecord>> notifications,
                          List<ConsumerRecord<String, SessionRecipient>> recipients, List<? extends ConsumerRecord<String, ?>> alerts) {
    }

    /** Metric name to count, in the order they are printed. */
    public Map<String, Long> of(Instant from, Instant to) {
        return count(new Records(read(Topics.WEBHOOKS_RAW, from), read(Topics.WEBHOOKS_DLQ, from), read(Topics.SESSION_STATE, null),
                read(Topics.SESSION_OUTCOMES, from), read(Topics.NOTIFICATIONS, null), read(Topics.RECIPIENTS, null),
                read(Topics.SESSION_ALERTS, from)), from, to);
    }

    /** The report of the period [from, to) over these records. */
    static Map<String, Long> count(Records records, Instant from, Instant to) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("webhooks.accepted", count(records.accepted(), from, to));
        counts.put("webhooks.dead_lettered", count(records.deadLettered(), from, to));

        Map<String, SessionState> states = new HashMap<>();
        records.states().forEach(r -> states.put(r.key(), r.value()));
        Map<String, Long> byStatus = new TreeMap<>();
        states.values().stream().filter(s -> s != null && within(s.getUpdatedAt(), from, to))
                .forEach(s -> byStatus.merge(s.getStatusRaw(), 1L, Long::sum));
        byStatus.forEach((status, n) -> counts.put("sessions.final_status." + status, n));

        Map<String, SessionOutcome> outcomes = new HashMap<>();
        records.outcomes().stream().filter(r -> within(Instant.ofEpochMilli(r.timestamp()), from, to))
                .forEach(r -> outcomes.put(r.key(), r.value()));
        counts.put("outcomes.fulfilled", outcomes.values().stream().filter(o -> o.getOutcome() == OutcomeKind.FULFILLED).count());
        counts.put("outcomes.rejected", outcomes.values().stream().filter(o -> o.getOutcome() == OutcomeKind.REJECTED).count());

        Map<String, NotificationRecord> latestNotification = new HashMap<>();
        Map<String, NotificationRecord> latestBySession = new HashMap<>();
        records.notifications().forEach(r -> {
            latestNotification.put(r.value().getNotificationId(), r.value());
            if (r.value().getChannel() == Channel.WEBHOOK) {
                return; // the platform was told; "without notification" is about the user
            }
            NotificationRecord known = latestBySession.get(r.key());
            if (known == null || known.getStatus() != DeliveryStatus.SENT) {
                latestBySession.put(r.key(), r.value());
            }
        });
        for (DeliveryStatus status : new DeliveryStatus[]{DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.RETRYING,
            DeliveryStatus.SUPPRESSED}) {
            String name = "notifications." + status.name().toLowerCase(Locale.ROOT);
            counts.put(name, latestNotification.values().stream().filter(n -> n.getStatus() == status && within(n.getAt(), from, to)).count());
            for (Channel channel : new Channel[]{Channel.EMAIL, Channel.PUSH, Channel.WEBHOOK}) {
                counts.put(name + "." + channel.name().toLowerCase(Locale.ROOT), latestNotification.values().stream()
                        .filter(n -> n.getStatus() == status && n.getChannel() == channel && within(n.getAt(), from, to)).count());
            }
        }

        Map<String, SessionRecipient> recipients = new HashMap<>();
        records.recipients().forEach(r -> recipients.put(r.key(), r.value()));
        Map<String, Long> unnotified = new TreeMap<>();
        outcomes.values().stream().filter(o -> o.getOutcome() == OutcomeKind.FULFILLED).forEach(o -> {
            NotificationRecord n = latestBySession.get(o.getSessionId());
            String why = n != null && n.getStatus() == DeliveryStatus.SENT ? null
                    : recipients.get(o.getSessionId()) == null ? "no_recipient"
                    : n == null ? "pending"
                    : n.getStatus().name().toLowerCase(Locale.ROOT);
            if (why != null) {
                unnotified.merge(why, 1L, Long::sum);
            }
        });
        counts.put("fulfilled_without_notification", unnotified.values().stream().mapToLong(Long::longValue).sum());
        unnotified.forEach((why, n) -> counts.put("fulfilled_without_notification." + why, n));
        counts.put("alerts.stalled", count(records.alerts(), from, to));
        return counts;
    }

    private static long count(List<? extends ConsumerRecord<String, ?>> records, Instant from, Instant to) {
        return records.stream().filter(r -> within(Instant.ofEpochMilli(r.timestamp()), from, to)).count();
    }

    private static boolean within(Instant at, Instant from, Instant to) {
        return !at.isBefore(from) && at.isBefore(to);
    }

    private <V extends SpecificRecord> List<ConsumerRecord<String, V>> read(Topic<V> topic, Instant since) {
        return scan.read(topic.name(), new RegistryAvroDeserializer<>(topic.valueType(), registry), since, key -> true);
    }
}
