package dev.onramp.runtime.privacy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    /** Longer than a transaction's markers take to reach every partition it wrote. */
    private static final Duration MARKER_WAIT = Duration.ofSeconds(3);
    private static final int MISSING_HELD = 100_000;

    private final KafkaConsumer<String, SubjectKey> consumer;
    /** Looked up on first use, so that a service starts (and says it is not ready) while Kafka is away. */
    private List<TopicPartition> partitions;
    private final Map<String, DataKey> keys = new HashMap<>();
    /** Each subject's key ids, oldest first. */
    private final Map<String, List<String>> bySubject = new HashMap<>();
    /** Key ids looked for and not found after the markers' wait: erased (a key never comes back). */
    private final Set<String> missing = new HashSet<>();
    private final long refreshNanos;
    private long readAt;

    public KafkaKeyStore(Map<String, Object> clientConfig, Deserializer<SubjectKey> values, Duration refresh) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
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
        DataKey held = keys.get(keyId);
        if (held != null && System.nanoTime() - readAt <= refreshNanos) {
            return Optional.of(held);
        }
        if (held == null && missing.contains(keyId)) {
            return Optional.empty();
        }
        try {
            readToEnd();
            // A transaction's commit markers land partition by partition: a value can be readable a moment before the
            // key committed with it. Only a key still absent after that moment is taken as erased (and remembered so).
            for (long deadline = System.nanoTime() + MARKER_WAIT.toNanos(); held == null && !keys.containsKey(keyId)
                    && System.nanoTime() < deadline; ) {
                Thread.sleep(50);
                readToEnd();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while reading " + Topics.SUBJECT_KEYS.name(), e);
        } catch (RuntimeException e) {
            if (held != null) {
                // Known, if not re-checked: an erasure takes effect here once the topic can be read again.
                return Optional.of(held);
            }
            throw new Unavailable("could not read " + Topics.SUBJECT_KEYS.name() + ": " + e.getMessage(), e);
        }
        DataKey found = keys.get(keyId);
        if (found == null) {
            if (missing.size() >= MISSING_HELD) {
                missing.clear();
            }
            missing.add(keyId);
        }
        return Optional.ofNullable(found);
    }

    @Override
    public synchronized Optional<DataKey> keyOf(String subject) {
        Optional<DataKey> held = latestOf(subject);
        if (held.isPresent() && System.nanoTime() - readAt <= refreshNanos) {
            return held;
        }
        try {
            readToEnd();
        } catch (RuntimeException e) {
            if (held.isPresent()) {
                return held;
            }
            throw new Unavailable("could not read " + Topics.SUBJECT_KEYS.name() + ": " + e.getMessage(), e);
        }
        return latestOf(subject);
    }

    private Optional<DataKey> latestOf(String subject) {
        return Optional.ofNullable(bySubject.get(subject)).flatMap(ids -> ids.isEmpty() ? Optional.empty()
                : Optional.ofNullable(keys.get(ids.get(ids.size() - 1))));
    }

    /** The ids of every key the subject has now: what an erasure deletes. */
    public synchronized List<String> keyIdsOf(String subject) {
        try {
            readToEnd();
        } catch (RuntimeException e) {
            throw new Unavailable("could not read " + Topics.SUBJECT_KEYS.name() + ": " + e.getMessage(), e);
        }
        return bySubject.getOrDefault(subject, List.of()).stream().sorted().toList();
    }

    private void readToEnd() {
        if (partitions == null || partitions.isEmpty()) {
            String topic = Topics.SUBJECT_KEYS.name();
            partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p, READ_TIMEOUT) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + Topics.SUBJECT_KEYS.name() + " to its end in " + READ_TIMEOUT);
            }
            for (ConsumerRecord<String, SubjectKey> record : consumer.poll(Duration.ofMillis(100))) {
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
        }
        readAt = System.nanoTime();
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
    }
}
