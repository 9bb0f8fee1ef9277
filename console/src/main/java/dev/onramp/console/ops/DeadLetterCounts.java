package dev.onramp.console.ops;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How many entries each dead-letter topic holds, exactly: offsets alone would count transaction markers too. Reads
 * each topic once from the start and then only what is new, keeping each entry's offset so that what retention
 * deletes stops counting.
 */
public final class DeadLetterCounts implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Deque<Long>> offsets = new HashMap<>();
    private final List<TopicPartition> partitions = new ArrayList<>();

    public DeadLetterCounts(Map<String, Object> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (DeadLetterKind kind : DeadLetterKind.values()) {
            // As many partitions as the brokers have, whatever a setting says.
            int partitionCount = consumer.partitionsFor(kind.topic().name(), Duration.ofSeconds(10)).size();
            for (int p = 0; p < partitionCount; p++) {
                TopicPartition tp = new TopicPartition(kind.topic().name(), p);
                partitions.add(tp);
                offsets.put(tp, new ArrayDeque<>());
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Entries per dead-letter kind, after reading what arrived since the last call (up to a few seconds of it). */
    public synchronized Map<String, Long> counts() {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                offsets.get(new TopicPartition(record.topic(), record.partition())).addLast(record.offset());
            }
        }
        Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (DeadLetterKind kind : DeadLetterKind.values()) {
            counts.put(kind.path(), 0L);
        }
        for (TopicPartition tp : partitions) {
            Deque<Long> kept = offsets.get(tp);
            while (!kept.isEmpty() && kept.peekFirst() < start.get(tp)) {
                kept.removeFirst();
            }
            DeadLetterKind.ofTopic(tp.topic()).ifPresent(kind -> counts.merge(kind.path(), (long) kept.size(), Long::sum));
        }
        return counts;
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
