package dev.onramp.runtime.privacy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The data keys on {@code onramp.subject-keys.v1}, held in memory. A key not held yet is looked for by reading the
 * topic to its current end (ingest commits a key with the first value it seals, so a reader that saw the value finds
 * the key); a held key is re-checked at most {@code refresh} after the last read, so an erased key stops opening
 * anything within that time.
 */
public final class KafkaKeyStore implements KeyStore, AutoCloseable {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<String, SubjectKey> consumer;
    private final List<TopicPartition> partitions;
    private final Map<String, DataKey> keys = new HashMap<>();
    private final long refreshNanos;
    private long readAt;

    public KafkaKeyStore(Map<String, Object> clientConfig, Deserializer<SubjectKey> values, Duration refresh) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
        String topic = Topics.SUBJECT_KEYS.name();
        this.partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.refreshNanos = refresh.toNanos();
        this.readAt = System.nanoTime() - refreshNanos - 1;
    }

    @Override
    public synchronized Optional<DataKey> find(String keyId) {
        DataKey held = keys.get(keyId);
        if (held == null || System.nanoTime() - readAt > refreshNanos) {
            readToEnd();
            held = keys.get(keyId);
        }
        return Optional.ofNullable(held);
    }

    /** The ids of every key the subject has now: what an erasure deletes. */
    public synchronized List<String> keyIdsOf(String subject) {
        readToEnd();
        return keys.values().stream().filter(k -> k.subject().equals(subject)).map(DataKey::keyId).sorted().toList();
    }

    private void readToEnd() {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p, READ_TIMEOUT) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + Topics.SUBJECT_KEYS.name() + " to its end in " + READ_TIMEOUT);
            }
            for (ConsumerRecord<String, SubjectKey> record : consumer.poll(Duration.ofMillis(100))) {
                if (record.value() == null) {
                    keys.remove(record.key());
                } else {
                    SubjectKey k = record.value();
                    byte[] secret = new byte[k.getSecret().remaining()];
                    k.getSecret().duplicate().get(secret);
                    keys.put(record.key(), new DataKey(k.getKeyId(), k.getSubject(), secret));
                }
            }
        }
        readAt = System.nanoTime();
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
