package dev.onramp.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one topic from the start, or from a time (the brokers' offsets-for-times, no full scan), to its current
 * end, read_committed, keeping the records whose key passes the filter. What audit and the replay's diff read with.
 */
public final class TopicScan {
    private final Map<String, Object> clientConfig;

    public TopicScan(Map<String, Object> clientConfig) {
        this.clientConfig = clientConfig;
    }

    public <V> List<ConsumerRecord<String, V>> read(String topic, Deserializer<V> values, Instant since, Predicate<String> keys) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            if (since == null) {
                consumer.seekToBeginning(partitions);
            } else {
                Map<TopicPartition, Long> times = new HashMap<>();
                partitions.forEach(p -> times.put(p, since.toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
                for (TopicPartition p : partitions) {
                    OffsetAndTimestamp at = offsets.get(p);
                    consumer.seek(p, at == null ? end.get(p) : at.offset());
                }
            }
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition())) && keys.test(record.key())) {
                        out.add(record);
                    }
                }
            }
        }
        return out;
    }
}
