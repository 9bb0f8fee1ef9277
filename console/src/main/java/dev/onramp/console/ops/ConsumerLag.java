package dev.onramp.console.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.onramp.console.ops.PipelineSnapshot.GroupLag;
import dev.onramp.console.ops.PipelineSnapshot.PartitionLag;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The lag of every consumer group of the pipeline, per partition: the committed offset against the last stable
 * offset (read_committed, what the group can actually read). A group with no member and a lag is a service that is
 * not consuming.
 */
public final class ConsumerLag {
    private static final long TIMEOUT_SECONDS = 5;

    private final Admin admin;
    private final String groupPrefix;

    /** {@code groupPrefix}: the groups shown (ours all start with {@code onramp-}; a watcher's one-off groups do not count). */
    public ConsumerLag(Admin admin, String groupPrefix) {
        this.admin = admin;
        this.groupPrefix = groupPrefix;
    }

    public List<GroupLag> groups() {
        try {
            List<GroupLag> groups = new ArrayList<>();
            for (GroupListing listing : admin.listGroups().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                if (listing.groupId().startsWith(groupPrefix) && !listing.groupId().startsWith("onramp-watch-")) {
                    groups.add(group(listing));
                }
            }
            groups.sort(Comparator.comparing(GroupLag::group));
            return groups;
        } catch (ExecutionException | TimeoutException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private GroupLag group(GroupListing listing) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(listing.groupId())
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<PartitionLag> partitions = new ArrayList<>();
        committed.forEach((tp, offset) -> {
            if (offset != null && ends.containsKey(tp)) {
                partitions.add(new PartitionLag(tp.topic(), tp.partition(), offset.offset(), ends.get(tp).offset()));
            }
        });
        partitions.sort(Comparator.comparing(PartitionLag::topic).thenComparing(PartitionLag::partition));
        String state = listing.groupState().map(Enum::name).orElse("UNKNOWN");
        return new GroupLag(listing.groupId(), state, partitions.stream().mapToLong(PartitionLag::lag).sum(), partitions);
    }
}
