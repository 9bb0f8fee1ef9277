package dev.onramp.testkit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a topic still holds an open transaction. A commit returns once the coordinator has decided it, and the
 * broker writes the markers just after: until then a partition's end offset is one short of its markers and
 * read_committed readers stop before the transaction. With none open, the last stable offset equals the end offset.
 */
public final class OpenTransactions {
    private OpenTransactions() {
    }

    /** True when no partition of the topic has a transaction open (every committed one's marker is in). */
    public static boolean noneIn(String bootstrapServers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
            var end = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
            return latest.keySet().stream().allMatch(p -> stable.get(p).offset() == end.get(p).offset());
        }
    }
}
