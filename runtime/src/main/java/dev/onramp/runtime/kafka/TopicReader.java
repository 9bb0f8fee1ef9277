package dev.onramp.runtime.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one topic as a downstream team would: read_committed, from the start or from a time (the brokers'
 * offsets-for-times, no full scan) to the end it had when the read began, keeping the records whose key passes the
 * filter. The one reader behind audit, replay, the crash runs and the tests.
 */
public final class TopicReader {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, Object> clientConfig;

    public TopicReader(Map<String, Object> clientConfig) {
        this.clientConfig = Map.copyOf(clientConfig);
    }

    public static TopicReader of(String bootstrapServers) {
        return new TopicReader(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Every record of a topic, start to end. */
    public static <K, V> List<ConsumerRecord<K, V>> readAll(String bootstrapServers, String topic,
                                                           Deserializer<K> keys, Deserializer<V> values) {
        return of(bootstrapServers).read(topic, keys, values, null, key -> true);
    }

    /** Every value on a topic as raw bytes, for checks like "no client_secret anywhere". */
    public static List<byte[]> rawValues(String bootstrapServers, String topic) {
        return readAll(bootstrapServers, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()).stream()
                .map(ConsumerRecord::value)
                .toList();
    }

    /** {@link #read(String, Deserializer, Deserializer, Instant, Predicate)} with our topics' string keys. */
    public <V> List<ConsumerRecord<String, V>> read(String topic, Deserializer<V> values, Instant since,
                                                    Predicate<String> keyFilter) {
        return read(topic, new StringDeserializer(), values, since, keyFilter);
    }

    /** The records written since {@code since} (all of them when null) whose key passes {@code keyFilter}. */
    public <K, V> List<ConsumerRecord<K, V>> read(String topic, Deserializer<K> keys, Deserializer<V> values,
                                                 Instant since, Predicate<K> keyFilter) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            seekToStart(consumer, partitions, end, since);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            // With transactions, a position can stop short of the end offset only at a control record, which poll
            // skips; position() moves past it once polled.
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end + " in " + READ_TIMEOUT);
                }
                for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
                    boolean beforeEnd = record.offset() < end.get(new TopicPartition(record.topic(), record.partition()));
                    if (beforeEnd && keyFilter.test(record.key())) {
                        out.add(record);
                    }
                }
            }
        }
        return out;
    }

    private static void seekToStart(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
                                    Map<TopicPartition, Long> end, Instant since) {
        if (since == null) {
            consumer.seekToBeginning(partitions);
            return;
        }
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp at = offsets.get(p);
            consumer.seek(p, at == null ? end.get(p) : at.offset());
        }
    }
}
