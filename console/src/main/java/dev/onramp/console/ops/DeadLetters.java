package dev.onramp.console.ops;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.PoisonRecord;
import dev.onramp.schemas.WebhookDeadLetter;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The dead-letter topics, paged oldest first. A page reads at most {@code limit} records of each partition from the
 * cursor (the next offset of each partition), merges them by time and keeps the first {@code limit}: the cost of a
 * page is its size, not the topic's.
 */
public final class DeadLetters {
    static final int MAX_PAGE = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BODY_SHOWN = 4_000;

    private final TopicReader topics;
    private final SchemaRegistry registry;
    private final Map<DeadLetterKind, Integer> partitions = new ConcurrentHashMap<>();

    public DeadLetters(TopicReader topics, SchemaRegistry registry) {
        this.topics = topics;
        this.registry = registry;
    }

    /** The topic's partitions as the brokers have them (asked once). */
    public int partitions(DeadLetterKind kind) {
        return partitions.computeIfAbsent(kind, k -> topics.partitionCount(k.topic().name()));
    }

    /** One page, and the cursor of the next (empty at the end). */
    public record Page(List<DeadLetterEntry> entries, Optional<PageCursor> next) {
    }

    public Page page(DeadLetterKind kind, PageCursor cursor, int limit, Predicate<DeadLetterEntry> filter) {
        int size = Math.max(1, Math.min(limit, MAX_PAGE));
        List<DeadLetterEntry> matching = new ArrayList<>();
        PageCursor at = cursor;
        // A filter can leave a page short: read on until it is full or the topic ends.
        while (matching.size() < size) {
            List<DeadLetterEntry> read = new ArrayList<>();
            boolean more = false;
            for (int p = 0; p < partitions(kind); p++) {
                List<DeadLetterEntry> fromPartition = read(kind, p, at.offset(p), size);
                more |= fromPartition.size() == size;
                read.addAll(fromPartition);
            }
            read.sort(Comparator.comparing(DeadLetterEntry::at).thenComparing(DeadLetterEntry::partition)
                    .thenComparing(DeadLetterEntry::offset));
            List<DeadLetterEntry> taken = read.subList(0, Math.min(size - matching.size(), read.size()));
            for (DeadLetterEntry entry : taken) {
                at = at.after(entry.partition(), entry.offset());
                if (filter.test(entry)) {
                    matching.add(entry);
                }
            }
            if (!more && taken.size() == read.size()) {
                return new Page(matching, Optional.empty());
            }
        }
        return new Page(matching, Optional.of(at));
    }

    /** The entry at that place, if it is there (and still within the topic's retention). */
    public Optional<DeadLetterEntry> entry(DeadLetterKind kind, int partition, long offset) {
        if (partition < 0 || partition >= partitions(kind) || offset < 0) {
            return Optional.empty();
        }
        return read(kind, partition, offset, 1).stream().filter(e -> e.offset() == offset).findFirst();
    }

    private List<DeadLetterEntry> read(DeadLetterKind kind, int partition, long from, int limit) {
        return topics.readPartition(kind.topic().name(), new RegistryAvroDeserializer<>(kind.topic().valueType(), registry),
                partition, from, limit).stream().map(record -> entryOf(kind, record)).toList();
    }

    private static DeadLetterEntry entryOf(DeadLetterKind kind, ConsumerRecord<String, ? extends SpecificRecord> record) {
        SpecificRecord value = record.value();
        if (value instanceof WebhookDeadLetter webhook) {
            return webhookEntry(kind, record, webhook);
        }
        if (value instanceof NotificationDeadLetter notification) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("notification_id", notification.getNotificationId());
            details.put("channel", notification.getChannel().name());
            details.put("to", notification.getRecipientMasked());
            details.put("outcome", notification.getOutcome().getOutcome().name());
            details.put("attempts", notification.getAttempts());
            return new DeadLetterEntry(kind, record.partition(), record.offset(), notification.getAt(),
                    Optional.of(notification.getOutcome().getSessionId()), notification.getReason(), details, value);
        }
        PoisonRecord poison = (PoisonRecord) value;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("application", poison.getApplicationId());
        details.put("origin", poison.getOriginTopic() + "/" + poison.getOriginPartition() + "/" + poison.getOriginOffset());
        details.put("stage", poison.getStage().name());
        details.put("error_class", poison.getErrorClass());
        details.put("value_bytes", poison.getValue() == null ? 0 : poison.getValue().remaining());
        Optional<String> key = Optional.ofNullable(poison.getKey()).map(DeadLetters::utf8);
        return new DeadLetterEntry(kind, record.partition(), record.offset(), poison.getSetAsideAt(),
                key.filter(k -> k.startsWith("cos_")), poison.getErrorMessage(), details, value);
    }

    private static DeadLetterEntry webhookEntry(DeadLetterKind kind, ConsumerRecord<String, ?> record, WebhookDeadLetter webhook) {
        String body = utf8(webhook.getBody());
        Map<String, Object> details = new LinkedHashMap<>();
        Optional<String> session = Optional.empty();
        try {
            JsonNode root = JSON.readTree(body);
            details.put("event_id", root.path("id").asText(null));
            details.put("type", root.path("type").asText(null));
            session = Optional.ofNullable(root.path("data").path("object").path("id").asText(null));
        } catch (Exception e) {
            details.put("event_id", null);
        }
        details.put("body_sha256", webhook.getBodySha256());
        details.put("verified_by", webhook.getVerifiedBy());
        details.put("body", body.length() > BODY_SHOWN ? body.substring(0, BODY_SHOWN) + "…" : body);
        return new DeadLetterEntry(kind, record.partition(), record.offset(), webhook.getReceivedAt(), session,
                webhook.getReason(), details, webhook);
    }

    /** A record's bytes field as text (the buffer is left as it was). */
    static String utf8(ByteBuffer bytes) {
        ByteBuffer copy = bytes.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return new String(out, StandardCharsets.UTF_8);
    }
}
