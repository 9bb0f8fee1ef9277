package dev.onramp.runtime.kafka;

import java.nio.charset.StandardCharsets;
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
import org.apache.kafka.common.utils.Utils;

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
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(readConfig(), keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            seekToStart(consumer, partitions, end, since);
            // With transactions, a position can stop short of the end offset only at a control record, which poll
            // skips; position() moves past it once polled.
            drain(consumer, partitions, end, record -> {
                if (keyFilter.test(record.key())) {
                    out.add(record);
                }
                return true;
            });
        }
        return out;
    }

    /**
     * The records of one key written since {@code since}: only the key's partition is read (every topic is keyed by
     * session id with the default partitioner), from the broker's offset for that time, so the cost is that
     * partition's records since then, not the topic.
     */
    public <V> List<ConsumerRecord<String, V>> readKey(String topic, Deserializer<V> values, String key, Instant since) {
        Map<String, Object> config = readConfig();
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            int partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).size();
            TopicPartition partition = new TopicPartition(topic, partitionOf(key, partitions));
            List<TopicPartition> assigned = List.of(partition);
            consumer.assign(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            seekToStart(consumer, assigned, end, since);
            drain(consumer, assigned, end, record -> {
                if (key.equals(record.key())) {
                    out.add(record);
                }
                return true;
            });
        }
        return out;
    }

    /**
     * Up to {@code limit} records of one partition from {@code fromOffset} on (those before the end it had when the
     * read began): one page of a dead-letter topic, or with a limit of 1 the record at an offset.
     */
    public <V> List<ConsumerRecord<String, V>> readPartition(String topic, Deserializer<V> values, int partition,
                                                            long fromOffset, int limit) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(readConfig(), new StringDeserializer(), values)) {
            TopicPartition tp = new TopicPartition(topic, partition);
            List<TopicPartition> assigned = List.of(tp);
            consumer.assign(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            long start = Math.max(fromOffset, consumer.beginningOffsets(assigned).get(tp));
            consumer.seek(tp, Math.min(start, end.get(tp)));
            drain(consumer, assigned, end, record -> {
                out.add(record);
                return out.size() < limit;
            });
        }
        return out;
    }

    /** How many partitions the topic has on the brokers (which may differ from what a setting says it should). */
    public int partitionCount(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(readConfig(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            return consumer.partitionsFor(topic, Duration.ofSeconds(10)).size();
        }
    }

    /** The partition the default partitioner gives {@code key} (murmur2 of its UTF-8 bytes). */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private Map<String, Object> readConfig() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        return config;
    }

    /** Polls until every partition reached its end, handing each record before the end to {@code take} (false: stop). */
    private static <K, V> void drain(KafkaConsumer<K, V> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> end,
                                     Predicate<ConsumerRecord<K, V>> take) {
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + partitions + " to " + end + " in " + READ_TIMEOUT);
            }
            for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
                boolean beforeEnd = record.offset() < end.get(new TopicPartition(record.topic(), record.partition()));
                if (beforeEnd && !take.test(record)) {
                    return;
                }
            }
        }
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
