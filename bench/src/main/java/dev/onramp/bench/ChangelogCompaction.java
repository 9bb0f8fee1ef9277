package dev.onramp.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.onramp.runtime.kafka.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An application's changelogs as the broker's log cleaner leaves them in steady state, now rather than days from now:
 * segments rolled, every dirty segment compacted, tombstones past {@code delete.retention.ms} gone. In production the
 * cleaner gets there by itself (segments roll at {@code segment.ms}/{@code segment.bytes}, tombstones stay a day); the
 * bench shortens those settings on its own topics only, and rolls each log twice (the first pass compacts, the second
 * drops the tombstones the first pass kept).
 */
final class ChangelogCompaction {
    private static final Duration STABLE_FOR = Duration.ofSeconds(8);

    private ChangelogCompaction() {
    }

    /** Bytes of the application's changelogs on disk before and after. */
    record Sizes(long before, long after) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.0f MB on disk, %.0f MB once compacted", before / 1e6, after / 1e6);
        }
    }

    static Sizes compact(Admin admin, KafkaConnection connection, String applicationId) throws Exception {
        Set<String> changelogs = admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-changelog"))
                .collect(Collectors.toSet());
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.BROKER, ""),
                List.of(set("log.cleaner.backoff.ms", "500")))).all().get();
        for (String topic : changelogs) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                    set(TopicConfig.SEGMENT_MS_CONFIG, "100"),
                    set(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0"),
                    set(TopicConfig.DELETE_RETENTION_MS_CONFIG, "0")))).all().get();
        }
        long before = bytesOnDisk(admin, changelogs);
        try {
            for (int pass = 0; pass < 2; pass++) {
                Thread.sleep(500);
                roll(admin, connection, changelogs, pass);
                waitUntilStable(admin, changelogs);
            }
        } finally {
            // Back to the default, or the cleaner would keep working on the compacted topics of the next run every 500 ms.
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.BROKER, ""), List.of(
                    new AlterConfigOp(new ConfigEntry("log.cleaner.backoff.ms", ""), AlterConfigOp.OpType.DELETE)))).all().get();
        }
        return new Sizes(before, bytesOnDisk(admin, changelogs));
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }

    /**
     * A tombstone of a key no store holds, to every partition: the append rolls the segment that was active, which
     * the cleaner may then compact. Restoring it deletes nothing.
     */
    private static void roll(Admin admin, KafkaConnection connection, Set<String> changelogs, int pass) throws Exception {
        Map<String, TopicDescription> described = admin.describeTopics(changelogs).allTopicNames().get();
        try (var producer = new KafkaProducer<>(connection.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
            for (TopicDescription topic : described.values()) {
                topic.partitions().forEach(p -> producer.send(
                        new ProducerRecord<>(topic.name(), p.partition(), "~bench-roll-" + pass, (byte[]) null)));
            }
            producer.flush();
        }
    }

    private static void waitUntilStable(Admin admin, Set<String> changelogs) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        long last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long size = bytesOnDisk(admin, changelogs);
            if (size != last) {
                last = size;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > STABLE_FOR.toNanos()) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the log cleaner did not settle within 15 minutes");
    }

    private static long bytesOnDisk(Admin admin, Set<String> topics) throws Exception {
        Collection<Node> nodes = admin.describeCluster().nodes().get();
        List<Integer> ids = new ArrayList<>();
        nodes.forEach(n -> ids.add(n.id()));
        long total = 0;
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(ids).allDescriptions().get().values()) {
            for (LogDirDescription dir : dirs.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                    if (topics.contains(replica.getKey().topic())) {
                        total += replica.getValue().size();
                    }
                }
            }
        }
        return total;
    }
}
