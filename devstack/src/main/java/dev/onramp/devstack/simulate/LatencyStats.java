package dev.onramp.devstack.simulate;

import java.util.Arrays;

/** Percentiles of a set of latencies in microseconds. */
public record LatencyStats(long count, double p50Ms, double p95Ms, double p99Ms, double maxMs) {
    public static LatencyStats of(long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return new LatencyStats(sorted.length, pick(sorted, 0.50), pick(sorted, 0.95), pick(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0);
    }

    private static double pick(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }

    @Override
    public String toString() {
        return String.format("p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", p50Ms, p95Ms, p99Ms, maxMs, count);
    }
}
