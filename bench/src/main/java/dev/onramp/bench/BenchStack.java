package dev.onramp.bench;

import java.time.Duration;

import dev.onramp.devstack.LocalKafkaBroker;
import dev.onramp.devstack.LocalSchemaRegistry;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.schemas.TopicContracts;
import org.apache.kafka.clients.admin.Admin;

/** A fresh broker and registry for one benchmark run, with the contracts in place. */
final class BenchStack implements AutoCloseable {
    final LocalKafkaBroker broker = LocalKafkaBroker.startEphemeral();
    final LocalSchemaRegistry registry = LocalSchemaRegistry.startEphemeral();
    final KafkaConnection connection = KafkaConnection.local(broker.bootstrapServers(), registry.url());
    final Admin admin = Admin.create(connection.clientConfig());

    BenchStack() {
        TopicContracts.ensure(admin, connection.registryClient(), 3, (short) 1);
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
            GroupProgress p = GroupProgress.of(admin, groupId, topic);
            long now = System.nanoTime();
            if (firstDone < 0 && p.committed() > 0) {
                firstDone = p.committed();
                firstAt = now;
            }
            if (p.finished()) {
                if (firstDone < 0 || now == firstAt) {
                    throw new IllegalStateException("finished before progress could be observed; use more records");
                }
                return (p.end() - firstDone) / ((now - firstAt) / 1e9);
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
