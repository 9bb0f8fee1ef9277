package dev.onramp.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed key checks per client address: after {@link #MAX_FAILURES} within {@link #WINDOW}, the client is answered
 * 429 until the oldest of them leaves the window, whatever key it presents. Guessing a key becomes slow, and the
 * constant-time comparison is not run for it. Bounded: the least recently seen clients are forgotten first.
 */
public final class FailedAuthLimit {
    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int MAX_CLIENTS = 10_000;

    private final LongSupplier nanos;
    private final Map<String, Deque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    public FailedAuthLimit() {
        this(System::nanoTime);
    }

    FailedAuthLimit(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** How long this client must wait before it may try again; zero when it may try now. */
    public synchronized Duration waitBeforeNextTry(String client) {
        Deque<Long> times = recent(client);
        if (times == null || times.size() < MAX_FAILURES) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(times.peekFirst() + WINDOW.toNanos() - nanos.getAsLong());
    }

    public synchronized void failed(String client) {
        Deque<Long> times = failures.computeIfAbsent(client, c -> new ArrayDeque<>());
        times.addLast(nanos.getAsLong());
        while (times.size() > MAX_FAILURES) {
            times.pollFirst();
        }
    }

    private Deque<Long> recent(String client) {
        Deque<Long> times = failures.get(client);
        if (times == null) {
            return null;
        }
        long now = nanos.getAsLong();
        while (!times.isEmpty() && now - times.peekFirst() >= WINDOW.toNanos()) {
            times.pollFirst();
        }
        if (times.isEmpty()) {
            failures.remove(client);
            return null;
        }
        return times;
    }
}
