package dev.onramp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.onramp.processor.ProcessorSerdes;
import dev.onramp.processor.session.SessionMetrics;
import dev.onramp.session.state.SessionSettings;
import dev.onramp.processor.session.SessionTopology;
import dev.onramp.runtime.StreamsApp;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How the processor's state grows with months of sessions, and what a lost state directory then costs: the same
 * history (sessions spread over days, each session's events minutes apart and interleaved with other sessions'), run
 * through the session topology once with sessions kept for good and once with the retention, then each application's
 * state directory thrown away and restored from its changelogs, compacted as the broker's cleaner leaves them.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Processor state and restore time over months of sessions, kept forever vs retired after a retention.")
public final class StateBench implements Callable<Integer> {
    /** "Kept forever": longer than any history the bench makes. */
    private static final Duration FOREVER = Duration.ofDays(36_500);

    @Option(names = "--sessions", description = "Sessions of history, four events each (default ${DEFAULT-VALUE}).")
    int sessions = 1_000_000;
    @Option(names = "--days", description = "Days the history spans; sessions start evenly over them (default ${DEFAULT-VALUE}).")
    int days = 90;
    @Option(names = "--retention-days", description = "SESSION_RETENTION of the second run (default ${DEFAULT-VALUE}).")
    int retentionDays = 30;

    @Override
    public Integer call() throws Exception {
        try (BenchStack stack = new BenchStack()) {
            long events = SessionHistory.write(stack, sessions, Duration.ofDays(days), new PersonalDetails(true));
            List<String> report = new ArrayList<>();
            report.add(run(stack, "kept-forever", FOREVER, events));
            report.add(run(stack, "retention-" + retentionDays + "d", Duration.ofDays(retentionDays), events));
            System.out.printf("%nmachine: %d cores, Java %s; %,d sessions over %d days, %,d events, 3 partitions, exactly_once_v2%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), sessions, days, events);
            report.forEach(System.out::println);
        }
        return 0;
    }

    private String run(BenchStack stack, String label, Duration retention, long events) throws Exception {
        String applicationId = "bench-state-" + label;
        SessionSettings settings = SessionSettings.defaults().withRetention(retention);
        Path first = Files.createTempDirectory(applicationId);
        ProcessCpu cpu = ProcessCpu.start();
        double rate;
        long held;
        try (KafkaStreams streams = new KafkaStreams(topology(stack, settings), config(stack, applicationId, first))) {
            streams.start();
            rate = stack.measureConsumption(applicationId, Topics.SESSION_EVENTS.name(), Duration.ofMinutes(60));
            held = sessionsHeld(streams);
            // Leave the group, so the restoring instance is not kept waiting for this one's session to time out.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
        ProcessCpu.Span processing = cpu.stop(events);
        System.out.printf("%s: processed at %.0f events/s, %s; %,d sessions held%n", label, rate, processing, held);
        ChangelogCompaction.Sizes changelogs = ChangelogCompaction.compact(stack.admin, stack.connection, applicationId);
        System.out.printf("%s: changelogs %s%n", label, changelogs);

        Restore restore = restore(stack, settings, applicationId);
        System.out.printf("%s: %s%n", label, restore);
        return String.format(Locale.ROOT, "%-16s %,11d sessions held, changelogs %s; processing %.0f events/s, %s; %s",
                label + ":", held, changelogs, rate, processing, restore);
    }

    /** The store's sessions, counted one by one (RocksDB's own figure is an estimate). */
    private static long sessionsHeld(KafkaStreams streams) {
        ReadOnlyKeyValueStore<Object, Object> store = streams.store(
                StoreQueryParameters.fromNameAndType(SessionTopology.SESSIONS_STORE, QueryableStoreTypes.keyValueStore()));
        long count = 0;
        try (KeyValueIterator<Object, Object> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }

    /** The same application on an empty state directory: the time from start to RUNNING, and what was restored. */
    private Restore restore(BenchStack stack, SessionSettings settings, String applicationId) throws Exception {
        Map<String, LongAdder> restored = new ConcurrentHashMap<>();
        AtomicLong firstStart = new AtomicLong();
        AtomicLong lastEnd = new AtomicLong();
        ProcessCpu cpu = ProcessCpu.start();
        long started = System.nanoTime();
        try (KafkaStreams streams = new KafkaStreams(topology(stack, settings), config(stack, applicationId,
                Files.createTempDirectory(applicationId + "-restored")))) {
            streams.setGlobalStateRestoreListener(new StateRestoreListener() {
                @Override
                public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
                    firstStart.compareAndSet(0, System.nanoTime());
                }

                @Override
                public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
                    restored.computeIfAbsent(store, s -> new LongAdder()).add(numRestored);
                }

                @Override
                public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
                    lastEnd.set(System.nanoTime());
                }
            });
            streams.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException(applicationId + " did not restore: " + streams.state());
                }
                Thread.sleep(20);
            }
            Duration toRunning = Duration.ofNanos(System.nanoTime() - started);
            Duration restoring = Duration.ofNanos(lastEnd.get() - firstStart.get());
            Map<String, Long> byStore = new TreeMap<>();
            restored.forEach((store, n) -> byStore.put(store, n.sum()));
            long records = byStore.values().stream().mapToLong(Long::longValue).sum();
            return new Restore(toRunning, restoring, byStore, cpu.stop(Math.max(1, records)));
        }
    }

    /** From start to RUNNING, and from the first store's restore start to the last one's end. */
    record Restore(Duration toRunning, Duration restoring, Map<String, Long> byStore, ProcessCpu.Span cpu) {
        @Override
        public String toString() {
            long total = byStore.values().stream().mapToLong(Long::longValue).sum();
            return String.format(Locale.ROOT, "restore %.1f s (%.1f s from start to RUNNING), %,d records %s, %.2f cores busy",
                    restoring.toMillis() / 1e3, toRunning.toMillis() / 1e3, total, byStore, cpu.coresBusy());
        }
    }

    private static Topology topology(BenchStack stack, SessionSettings settings) {
        return SessionTopology.build(settings, ProcessorSerdes.on(stack.connection.registryClient()),
                new SessionMetrics(new SimpleMeterRegistry()), Tracing.off());
    }

    private static Properties config(BenchStack stack, String applicationId, Path stateDir) {
        Properties props = new Properties();
        props.putAll(StreamsApp.baseConfig(stack.connection, applicationId, stateDir, null));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        return props;
    }

}
