package dev.onramp.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed key checks per client address. A client with {@link #MAX_FAILURES} failures within {@link #WINDOW} is
 * answered 429 instead of 401 until the oldest of them leaves the window, which tells a misconfigured client to back
 * off. It never refuses a valid key: callers check the key first, so a client behind the same proxy or NAT as a
 * guesser is not locked out by the guesser. What makes guessing hopeless is the key itself ({@link PlatformKeys}:
 * at least 16 characters). Bounded: the least recently seen clients are forgotten first.
 */
public final class FailedAuthLimit {
    private static final Logger log = LoggerFactory.getLogger(FailedAuthLimit.class);
    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int MAX_CLIENTS = 10_000;

    private final String api;
    private final LongSupplier nanos;
    private final Map<String, Deque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    /** {@code api}: what the keys open ("platform API", "console"), for the log. */
    public FailedAuthLimit(String api) {
        this(api, System::nanoTime);
    }

    FailedAuthLimit(String api, LongSupplier nanos) {
        this.api = api;
        this.nanos = nanos;
    }

    /**
     * Counts a failed check by {@code client} and answers how long it must wait: zero while fewer than
     * {@link #MAX_FAILURES} failures came before this one within the window, so the first ten are answered 401.
     */
    public synchronized Duration failed(String client) {
        Deque<Long> times = recent(client);
        if (times == null) {
            times = new ArrayDeque<>();
            failures.put(client, times);
        }
        int before = times.size();
        long now = nanos.getAsLong();
        times.addLast(now);
        while (times.size() > MAX_FAILURES) {
            times.pollFirst();
        }
        if (before < MAX_FAILURES) {
            if (before == MAX_FAILURES - 1) {
                // Once as a client reaches the limit, not for every refused try.
                log.warn("{}: {} failed key checks within {} from {}: its wrong keys are answered 429 for a while"
                        + " (a client with a mistyped or revoked key?)", api, MAX_FAILURES, WINDOW, client);
            }
            return Duration.ZERO;
        }
        Duration wait = Duration.ofNanos(times.peekFirst() + WINDOW.toNanos() - now);
        return wait.isNegative() ? Duration.ZERO : wait;
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
