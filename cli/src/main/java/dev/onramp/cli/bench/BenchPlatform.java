package dev.onramp.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import dev.onramp.platform.LocalKafkaBroker;
import dev.onramp.platform.LocalSchemaRegistry;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.kafka.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** A fresh broker and registry for one benchmark run, with the contracts in place. */
final class BenchPlatform implements AutoCloseable {
    final LocalKafkaBroker broker = LocalKafkaBroker.startEphemeral();
    final LocalSchemaRegistry registry = LocalSchemaRegistry.startEphemeral();
    final KafkaConnection connection = KafkaConnection.local(broker.bootstrapServers(), registry.url());
    final Admin admin = Admin.create(connection.clientConfig());

    BenchPlatform() {
        TopicContracts.ensure(admin, connection.registryClient(), 3, (short) 1);
    }

    /** Sum of the group's committed offsets on the topic, and the topic's end offsets. */
    long[] progress(String groupId, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        long end = admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
        long done = partitions.stream().mapToLong(p -> committed.get(p) == null ? 0 : committed.get(p).offset()).sum();
        return new long[]{done, end};
    }

    /**
     * Waits for the group to consume the topic to its end; returns records per second over the span from its first
     * committed progress to the end, so start-up and rebalancing are not counted.
     */
    double measureConsumption(String groupId, String topic, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long firstDone = -1;
        long firstAt = 0;
        while (System.nanoTime() < deadline) {
            long[] p = progress(groupId, topic);
            long now = System.nanoTime();
            if (firstDone < 0 && p[0] > 0) {
                firstDone = p[0];
                firstAt = now;
            }
            if (p[1] > 0 && p[0] >= p[1]) {
                if (firstDone < 0 || now == firstAt) {
                    throw new IllegalStateException("finished before progress could be observed; use more records");
                }
                return (p[1] - firstDone) / ((now - firstAt) / 1e9);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(groupId + " did not finish " + topic + " within " + timeout);
    }

    @Override
    public void close() {
        admin.close();
        registry.close();
        broker.close();
    }
}
