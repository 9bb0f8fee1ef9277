package dev.onramp.bench.crash;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows {@code onramp.session-outcomes.v1} as a downstream team does (read_committed, every partition) and notes
 * when each session's outcome became visible and on which partition: what outcome latency and the gaps per
 * partition are measured from.
 */
final class OutcomeWatch implements AutoCloseable {
    /** When an outcome was first seen, and its partition. */
    record Seen(int partition, Instant at) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final List<String> order = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final KafkaConsumer<String, SessionOutcome> consumer;

    OutcomeWatch(String bootstrapServers, String registryUrl) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(),
                new RegistryAvroDeserializer<>(SessionOutcome.class, new SchemaRegistryClient(registryUrl, Duration.ofSeconds(5))));
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.SESSION_OUTCOMES.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::follow, "outcome-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, SessionOutcome> r : consumer.poll(Duration.ofMillis(100))) {
                    if (seen.putIfAbsent(r.value().getSessionId(), new Seen(r.partition(), Instant.now())) == null) {
                        order.add(r.value().getSessionId());
                    }
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The session's outcome, if seen yet. */
    Seen seen(String sessionId) {
        return seen.get(sessionId);
    }

    /** A session whose outcome has been seen, at random (the query probe asks about these: each must be found). */
    Optional<String> anySeen(Random random) {
        synchronized (order) {
            return order.isEmpty() ? Optional.empty() : Optional.of(order.get(random.nextInt(order.size())));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
