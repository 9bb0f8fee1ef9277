package dev.onramp.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Watches onramp.notifications.v1 for the SENT records of some sessions, as they are committed. */
public final class SentNotifications {
    private SentNotifications() {
    }

    /** When each of {@code sessions} was emailed, waiting up to {@code wait} for {@code expected} of them. */
    public static Map<String, Instant> await(KafkaConnection connection, Set<String> sessions, long expected, Duration wait) {
        Map<String, Object> config = new HashMap<>(connection.clientConfig());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "onramp-watch-" + System.nanoTime());
        Map<String, Instant> sent = new HashMap<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new RegistryAvroDeserializer<>(NotificationRecord.class, connection.registryClient()))) {
            consumer.subscribe(List.of(Topics.NOTIFICATIONS.name()));
            long deadline = System.nanoTime() + wait.toNanos();
            while (sent.size() < expected && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (sessions.contains(record.key()) && record.value().getStatus() == DeliveryStatus.SENT
                            && record.value().getChannel() == Channel.EMAIL) {
                        sent.putIfAbsent(record.key(), record.value().getAt());
                    }
                }
            }
        }
        return sent;
    }

    /** Notifications of {@code sessions} sent, by channel: each notification once, however many SENT steps it has. */
    public static Map<Channel, Long> countByChannel(KafkaConnection connection, Set<String> sessions) {
        Map<Channel, Set<String>> ids = new EnumMap<>(Channel.class);
        for (var record : TopicReader.readAll(connection.bootstrapServers(), Topics.NOTIFICATIONS.name(), new StringDeserializer(),
                new RegistryAvroDeserializer<>(NotificationRecord.class, connection.registryClient()))) {
            if (sessions.contains(record.key()) && record.value().getStatus() == DeliveryStatus.SENT) {
                ids.computeIfAbsent(record.value().getChannel(), c -> new HashSet<>()).add(record.value().getNotificationId());
            }
        }
        Map<Channel, Long> counts = new EnumMap<>(Channel.class);
        ids.forEach((channel, set) -> counts.put(channel, (long) set.size()));
        return counts;
    }
}
