package dev.onramp.devstack.simulate;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The worst latency in each window of a run's schedule, so a tail can be told apart: a few stalls (one or two
 * windows far above the rest) or a machine that is slow throughout (every window alike).
 */
public final class LatencyTimeline {
    private final Instant start;
    private final Duration window;
    private final TreeMap<Long, Long> maxMicrosByWindow = new TreeMap<>();

    public LatencyTimeline(Instant start, Duration window) {
        this.start = start;
        this.window = window;
    }

    /** A latency counted from the time its webhook was due. */
    public void add(Instant dueAt, long micros) {
        long index = Math.max(0, Duration.between(start, dueAt).toMillis() / window.toMillis());
        maxMicrosByWindow.merge(index, micros, Math::max);
    }

    /** The worst latency per window in ms, keyed by the window's start in seconds since the schedule began. */
    public Map<Long, Long> maxMillisByWindow() {
        Map<Long, Long> result = new TreeMap<>();
        maxMicrosByWindow.forEach((index, micros) -> result.put(index * window.toSeconds(), micros / 1000));
        return result;
    }

    @Override
    public String toString() {
        return maxMillisByWindow().entrySet().stream().map(e -> e.getKey() + " s: " + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
