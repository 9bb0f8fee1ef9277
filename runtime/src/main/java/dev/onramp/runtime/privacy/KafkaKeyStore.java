package dev.onramp.runtime.privacy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The data keys on {@code onramp.subject-keys.v1}, held in memory. A key not held yet is looked for by reading the
 * topic to its end (ingest commits a key in the same transaction as the first value it seals, so a reader that saw
 * the value finds the key); a held key is re-checked at most {@code refresh} after the last read, so an erased key
 * stops opening anything within that time.
 *
 * <p>"Its end" is where every transaction open at the time of the call has been decided: a transaction's commit
 * markers land partition by partition, so a value can be readable a moment before the key committed with it. The
 * store reads until the last stable offset (what read_committed can see) reaches the high watermark seen when called
 * (everything written, committed or not), so a key written with a value already seen is always found, and a key
 * still absent then was erased.
 */
public final class KafkaKeyStore implements KeyStore, AutoCloseable {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final int MISSING_HELD = 100_000;

    private final KafkaConsumer<String, SubjectKey> consumer;
    /** read_uncommitted, only asked for the partitions' high watermarks. */
    private final KafkaConsumer<byte[], byte[]> written;
    /** Looked up on first use, so that a service starts (and says it is not ready) while Kafka is away. */
    private List<TopicPartition> partitions;
    private final Map<String, DataKey> keys = new HashMap<>();
    /** Each subject's key ids, oldest first. */
    private final Map<String, List<String>> bySubject = new HashMap<>();
    /** Key ids looked for and not found at the topic's end: erased (a key never comes back). */
    private final Set<String> missing = new HashSet<>();
    private final long refreshNanos;
    private long readAt;

    public KafkaKeyStore(Map<String, Object> clientConfig, Deserializer<SubjectKey> values, Duration refresh) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        this.written = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.refreshNanos = refresh.toNanos();
        this.readAt = System.nanoTime() - refreshNanos - 1;
    }

    /**
     * {@inheritDoc}
     *
     * @throws Unavailable when the key is not held and the topic cannot be read: not the same as erased
     */
    @Override
    public synchronized Optional<DataKey> find(String keyId) {
        if (!keys.containsKey(keyId) && missing.contains(keyId)) {
            return Optional.empty();
        }
        Optional<DataKey> found = freshly(() -> Optional.ofNullable(keys.get(keyId)));
        if (found.isEmpty()) {
            if (missing.size() >= MISSING_HELD) {
                missing.clear();
            }
            missing.add(keyId);
        }
        return found;
    }

    @Override
    public synchronized Optional<DataKey> keyOf(String subject) {
        return freshly(() -> Optional.ofNullable(bySubject.get(subject)).flatMap(ids -> ids.isEmpty() ? Optional.empty()
                : Optional.ofNullable(keys.get(ids.get(ids.size() - 1)))));
    }

    /** The ids of every key the subject has now: what an erasure deletes. */
    public synchronized List<String> keyIdsOf(String subject) {
        try {
            readToEnd();
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
        return bySubject.getOrDefault(subject, List.of()).stream().sorted().toList();
    }

    /**
     * The held answer while it is fresh; else the answer after reading the topic to its end. When the topic cannot be
     * read, the held answer (an erasure takes effect here once the topic can be read again), or {@link Unavailable}.
     */
    private <T> Optional<T> freshly(Supplier<Optional<T>> lookup) {
        Optional<T> held = lookup.get();
        if (held.isPresent() && System.nanoTime() - readAt <= refreshNanos) {
            return held;
        }
        try {
            readToEnd();
        } catch (RuntimeException e) {
            if (held.isPresent()) {
                return held;
            }
            throw unavailable(e);
        }
        return lookup.get();
    }

    private static Unavailable unavailable(RuntimeException cause) {
        return new Unavailable("could not read " + Topics.SUBJECT_KEYS.name() + ": " + cause.getMessage(), cause);
    }

    private void readToEnd() {
        if (partitions == null || partitions.isEmpty()) {
            String topic = Topics.SUBJECT_KEYS.name();
            partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
        Map<TopicPartition, Long> highWatermarks = written.endOffsets(partitions, READ_TIMEOUT);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        Map<TopicPartition, Long> stable = consumer.endOffsets(partitions, READ_TIMEOUT);
        while (partitions.stream().anyMatch(p -> consumer.position(p, READ_TIMEOUT) < stable.get(p) || stable.get(p) < highWatermarks.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + Topics.SUBJECT_KEYS.name() + " to its end in " + READ_TIMEOUT);
            }
            consumer.poll(Duration.ofMillis(100)).forEach(this::hold);
            if (partitions.stream().anyMatch(p -> stable.get(p) < highWatermarks.get(p))) {
                // A transaction open when called is not decided yet: its markers come within the transaction timeout.
                stable.putAll(consumer.endOffsets(partitions, READ_TIMEOUT));
            }
        }
        readAt = System.nanoTime();
    }

    private void hold(ConsumerRecord<String, SubjectKey> record) {
        if (record.value() == null) {
            DataKey erased = keys.remove(record.key());
            if (erased != null) {
                bySubject.computeIfPresent(erased.subject(), (subject, ids) -> {
                    ids.remove(erased.keyId());
                    return ids.isEmpty() ? null : ids;
                });
            }
        } else {
            SubjectKey k = record.value();
            byte[] secret = new byte[k.getSecret().remaining()];
            k.getSecret().duplicate().get(secret);
            keys.put(record.key(), new DataKey(k.getKeyId(), k.getSubject(), secret));
            bySubject.computeIfAbsent(k.getSubject(), subject -> new ArrayList<>()).add(k.getKeyId());
        }
    }

    /** The key topic could not be read: a key may exist that this store cannot see yet. */
    public static final class Unavailable extends IllegalStateException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public synchronized void close() {
        consumer.close();
        written.close();
    }
}
