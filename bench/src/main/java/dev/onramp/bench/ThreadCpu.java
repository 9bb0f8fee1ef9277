package dev.onramp.bench;

import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;

/**
 * CPU time over a span split by the threads that spent it, grouped by name with the numbers left out (the HTTP
 * server's pool, the broker's request handlers, the producers' network threads...), plus what no live Java thread
 * accounts for (GC, the VM, threads that ended within the span). Where a record's CPU goes, measured rather than
 * sampled: it bounds what any change to one part can save.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final int SHOWN = 8;

    private final Map<Long, Long> atStart = cpuByThread(THREADS.getAllThreadIds());
    private final long processAtStart = OS.getProcessCpuTime();

    private ThreadCpu() {
    }

    static ThreadCpu start() {
        return new ThreadCpu();
    }

    /** Microseconds per record by thread group, largest first; a thread that started within the span counts from 0. */
    Split stop(long records) {
        long[] ids = THREADS.getAllThreadIds();
        Map<Long, Long> now = cpuByThread(ids);
        Map<Long, String> names = namesOf(ids);
        long process = OS.getProcessCpuTime() - processAtStart;
        Map<String, Long> byGroup = new HashMap<>();
        long threads = 0;
        for (Map.Entry<Long, Long> thread : now.entrySet()) {
            long spent = thread.getValue() - atStart.getOrDefault(thread.getKey(), 0L);
            threads += spent;
            byGroup.merge(group(names.get(thread.getKey())), spent, Long::sum);
        }
        List<Group> groups = byGroup.entrySet().stream()
                .map(e -> new Group(e.getKey(), e.getValue() / 1e3 / records))
                .sorted(Comparator.comparingDouble(Group::micros).reversed()).toList();
        return new Split(groups, Math.max(0, process - threads) / 1e3 / records, process / 1e3 / records);
    }

    /** {@code qtp1385-53} and {@code qtp1385-61} are one pool; {@code data-plane-kafka-request-handler-0} and -1 one role. */
    static String group(String threadName) {
        return threadName == null ? "(ended)" : threadName.replaceAll("[0-9]+", "#");
    }

    private static Map<Long, Long> cpuByThread(long[] ids) {
        long[] cpu = THREADS.getThreadCpuTime(ids);
        Map<Long, Long> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (cpu[i] >= 0) {
                byThread.put(ids[i], cpu[i]);
            }
        }
        return byThread;
    }

    /** Only at the end: a thread's group is its name then. */
    private static Map<Long, String> namesOf(long[] ids) {
        Map<Long, String> names = new HashMap<>();
        for (var info : THREADS.getThreadInfo(ids)) {
            if (info != null) {
                names.put(info.getThreadId(), info.getThreadName());
            }
        }
        return names;
    }

    record Group(String name, double micros) {
    }

    /** The groups, what no Java thread accounts for, and the whole process, each in µs per record. */
    record Split(List<Group> groups, double outsideThreads, double process) {
        @Override
        public String toString() {
            String shown = groups.stream().limit(SHOWN).map(g -> String.format("%s %.0f", g.name(), g.micros()))
                    .collect(Collectors.joining("; "));
            double rest = groups.stream().skip(SHOWN).mapToDouble(Group::micros).sum();
            return String.format("%s; other threads %.0f; GC, VM and ended threads %.0f (of %.0f µs per record)",
                    shown, rest, outsideThreads, process);
        }
    }
}
