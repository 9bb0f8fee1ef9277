package dev.onramp.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Counts SENT records of one channel on onramp.notifications.v1 from now on: how a bench against a server it cannot
 * ask (an outside SMTP sink) knows the provider accepted each message.
 */
final class SentRecords implements AutoCloseable {
    private final AtomicLong sent = new AtomicLong();
    private volatile long firstAtMillis;
    private volatile long lastAtMillis;
    private volatile ProcessCpu fromFirst;
    private final KafkaConsumer<String, NotificationRecord> consumer;
    private final Thread reader;
    private volatile boolean running = true;

    SentRecords(KafkaConnection kafka, Channel channel) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new RegistryAvroDeserializer<>(NotificationRecord.class, kafka.registryClient()));
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.NOTIFICATIONS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        reader = new Thread(() -> {
            try {
                while (running) {
                    for (var record : consumer.poll(Duration.ofMillis(100))) {
                        if (record.value().getStatus() == DeliveryStatus.SENT && record.value().getChannel() == channel) {
                            seen(record.value().getAt().toEpochMilli());
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close();
            }
        }, "bench-sent-records");
        reader.start();
    }

    private void seen(long atMillis) {
        if (sent.incrementAndGet() == 1) {
            fromFirst = ProcessCpu.start();
            firstAtMillis = atMillis;
        }
        lastAtMillis = Math.max(lastAtMillis, atMillis);
    }

    long count() {
        return sent.get();
    }

    /** Messages/s between the first and the last acceptance by the provider (the records' own times). */
    double perSecondBetweenFirstAndLast() {
        return (sent.get() - 1) * 1000.0 / Math.max(1, lastAtMillis - firstAtMillis);
    }

    /** The process's CPU from the first SENT record seen to now, per message sent. */
    ProcessCpu.Span cpuSinceFirst() {
        return fromFirst.stop(sent.get() - 1);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join();
    }
}
