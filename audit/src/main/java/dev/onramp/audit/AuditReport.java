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

    /** Metric name to count, in the order they are printed. */
    public Map<String, Long> of(Instant from, Instant to) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("webhooks.accepted", count(read(Topics.WEBHOOKS_RAW, from), from, to));
        counts.put("webhooks.dead_lettered", count(read(Topics.WEBHOOKS_DLQ, from), from, to));

        Map<String, SessionState> states = new HashMap<>();
        read(Topics.SESSION_STATE, null).forEach(r -> states.put(r.key(), r.value()));
        Map<String, Long> byStatus = new TreeMap<>();
        states.values().stream().filter(s -> within(s.getUpdatedAt(), from, to))
                .forEach(s -> byStatus.merge(s.getStatusRaw(), 1L, Long::sum));
        byStatus.forEach((status, n) -> counts.put("sessions.final_status." + status, n));

        Map<String, SessionOutcome> outcomes = new HashMap<>();
        read(Topics.SESSION_OUTCOMES, from).stream().filter(r -> within(Instant.ofEpochMilli(r.timestamp()), from, to))
                .forEach(r -> outcomes.put(r.key(), r.value()));
        counts.put("outcomes.fulfilled", outcomes.values().stream().filter(o -> o.getOutcome() == OutcomeKind.FULFILLED).count());
        counts.put("outcomes.rejected", outcomes.values().stream().filter(o -> o.getOutcome() == OutcomeKind.REJECTED).count());

        Map<String, NotificationRecord> latestNotification = new HashMap<>();
        Map<String, NotificationRecord> latestBySession = new HashMap<>();
        read(Topics.NOTIFICATIONS, null).forEach(r -> {
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
        read(Topics.RECIPIENTS, null).forEach(r -> recipients.put(r.key(), r.value()));
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
        counts.put("alerts.stalled", count(read(Topics.SESSION_ALERTS, from), from, to));
        return counts;
    }

    private static <V> long count(List<ConsumerRecord<String, V>> records, Instant from, Instant to) {
        return records.stream().filter(r -> within(Instant.ofEpochMilli(r.timestamp()), from, to)).count();
    }

    private static boolean within(Instant at, Instant from, Instant to) {
        return !at.isBefore(from) && at.isBefore(to);
    }

    private <V extends SpecificRecord> List<ConsumerRecord<String, V>> read(Topic<V> topic, Instant since) {
        return scan.read(topic.name(), new RegistryAvroDeserializer<>(topic.valueType(), registry), since, key -> true);
    }
}
