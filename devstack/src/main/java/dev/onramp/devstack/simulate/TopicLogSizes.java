package dev.onramp.devstack.simulate;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.Node;

/**
 * The bytes each topic's log segments take on disk, summed over every broker and replica (so replication counts),
 * as the brokers report them ({@code DescribeLogDirs}). Two snapshots around a run give what the run cost in disk,
 * topic by topic, with whatever compression and batching the services really used.
 */
public record TopicLogSizes(Map<String, Long> bytesByTopic) {

    public TopicLogSizes {
        bytesByTopic = Map.copyOf(bytesByTopic);
    }

    public static TopicLogSizes of(Admin admin) throws InterruptedException {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
            List<Integer> brokers = nodes.stream().map(Node::id).toList();
            Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(brokers).allDescriptions()
                    .get(30, TimeUnit.SECONDS);
            Map<String, Long> bytes = new TreeMap<>();
            dirs.values().forEach(byDir -> byDir.values().forEach(dir -> dir.replicaInfos().forEach((partition, replica) ->
                    bytes.merge(partition.topic(), size(replica), Long::sum))));
            return new TopicLogSizes(bytes);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the brokers' log sizes: " + e.getMessage(), e);
        }
    }

    /** What each topic grew by since {@code earlier}, by topic name; topics that did not grow are left out. */
    public Map<String, Long> growthSince(TopicLogSizes earlier) {
        Map<String, Long> growth = new TreeMap<>();
        bytesByTopic.forEach((topic, now) -> {
            long grown = now - earlier.bytesByTopic.getOrDefault(topic, 0L);
            if (grown > 0) {
                growth.put(topic, grown);
            }
        });
        return growth;
    }

    private static long size(ReplicaInfo replica) {
        // A future replica (being moved between log dirs) is a copy in progress, not the replica's disk cost.
        return replica.isFuture() ? 0 : replica.size();
    }
}
