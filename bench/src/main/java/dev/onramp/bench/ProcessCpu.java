package dev.onramp.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

import com.sun.management.OperatingSystemMXBean;

/**
 * CPU time the whole process spent over a span: every thread, the broker's and the load generator's included,
 * since they all share the machine. Records/s moves a lot from run to run on a busy VM; CPU time per record moves
 * much less, and says how much work a record costs whatever else the machine was doing.
 */
final class ProcessCpu {
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private final long cpuAtStart = OS.getProcessCpuTime();
    private final long wallAtStart = System.nanoTime();
    private final long jitMillisAtStart = JIT.getTotalCompilationTime();

    static ProcessCpu start() {
        return new ProcessCpu();
    }

    Span stop(long records) {
        long cpu = OS.getProcessCpuTime() - cpuAtStart;
        long wall = System.nanoTime() - wallAtStart;
        double jitShare = (JIT.getTotalCompilationTime() - jitMillisAtStart) * 1e6 / wall;
        return new Span((double) cpu / wall, cpu / 1e3 / records, jitShare);
    }

    /**
     * How many cores were busy on average, CPU microseconds per record, and JIT compile time per second of the span
     * (the JVM's own figure, summed over the compiler threads and counting time they waited for a core, so it can
     * exceed what they got). On two cores the compilers are still busy with the broker, Jetty and the clients a
     * minute into a run, and what they use is in the per-record figure.
     */
    record Span(double coresBusy, double microsPerRecord, double jitCores) {
        @Override
        public String toString() {
            return String.format("%.0f µs CPU per record, %.2f cores busy (JIT compilers %.2f)", microsPerRecord, coresBusy, jitCores);
        }
    }
}
