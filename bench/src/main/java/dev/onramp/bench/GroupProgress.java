package dev.onramp.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How far a consumer group (a Streams application) has committed through a topic, summed over its partitions. */
record GroupProgress(long committed, long end) {

    static GroupProgress of(Admin admin, String groupId, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        long end = admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        long done = latest.keySet().stream().mapToLong(tp -> committed.get(tp) == null ? 0 : committed.get(tp).offset()).sum();
        return new GroupProgress(done, end);
    }

    boolean finished() {
        return end > 0 && committed >= end;
    }
}
