package dev.onramp.notifier.sending;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.NotificationResult;
import dev.onramp.schemas.SendResult;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the sender must not do again: every attempt that already has a result, and every notification the audit
 * trail says was sent. It is the last check before the network, so that a redelivered intent (a sender restart
 * before its offsets were committed), an application reset or a lost state directory never sends twice what was
 * sent. Rebuilt at start from onramp.notification-results.v1 (its retention) and onramp.notifications.v1 (the
 * notify window), and brought up to date with the results whenever partitions move between instances.
 */
final class SentLedger implements AutoCloseable {
    private final Set<String> sent = ConcurrentHashMap.newKeySet();
    private final Set<String> attempted = ConcurrentHashMap.newKeySet();
    private final KafkaConsumer<String, NotificationResult> results;
    private final List<TopicPartition> partitions;

    SentLedger(KafkaConnection kafka, Duration notifyWindow) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        this.results = new KafkaConsumer<>(config, new StringDeserializer(),
                new RegistryAvroDeserializer<>(NotificationResult.class, kafka.registryClient()));
        String topic = Topics.NOTIFICATION_RESULTS.name();
        this.partitions = results.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        results.assign(partitions);
        Map<TopicPartition, Long> since = new HashMap<>();
        long from = Instant.now().minus(Topics.NOTIFICATION_RESULTS.retention()).toEpochMilli();
        partitions.forEach(p -> since.put(p, from));
        Map<TopicPartition, OffsetAndTimestamp> start = results.offsetsForTimes(since);
        Map<TopicPartition, Long> ends = results.endOffsets(partitions);
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp at = start.get(p);
            results.seek(p, at == null ? ends.get(p) : at.offset());
        }
        for (ConsumerRecord<String, NotificationRecord> r : new TopicReader(kafka.clientConfig()).read(Topics.NOTIFICATIONS.name(),
                new RegistryAvroDeserializer<>(NotificationRecord.class, kafka.registryClient()),
                Instant.now().minus(notifyWindow), key -> true)) {
            if (r.value().getStatus() == DeliveryStatus.SENT) {
                sent.add(r.value().getNotificationId());
            }
        }
        catchUp();
    }

    /** Reads the results written since the last look, by any instance. */
    synchronized void catchUp() {
        Map<TopicPartition, Long> ends = results.endOffsets(partitions);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (partitions.stream().anyMatch(p -> results.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, NotificationResult> r : results.poll(Duration.ofMillis(200))) {
                remember(r.value());
            }
        }
    }

    void remember(NotificationResult result) {
        attempted.add(attemptKey(result.getNotificationId(), result.getAttempt()));
        if (result.getResult() == SendResult.SENT) {
            sent.add(result.getNotificationId());
        }
    }

    boolean wasSent(String notificationId) {
        return sent.contains(notificationId);
    }

    boolean wasAttempted(String notificationId, int attempt) {
        return attempted.contains(attemptKey(notificationId, attempt));
    }

    private static String attemptKey(String notificationId, int attempt) {
        return notificationId + "#" + attempt;
    }

    @Override
    public synchronized void close() {
        results.close();
    }
}
