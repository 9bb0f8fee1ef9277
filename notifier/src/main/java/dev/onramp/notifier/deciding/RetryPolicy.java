package dev.onramp.notifier.deciding;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.github.resilience4j.core.IntervalFunction;

/**
 * Exponential backoff with jitter (resilience4j's {@link IntervalFunction}), within a retry window measured from
 * the first attempt. The schedule is computed here and kept in a state store, so a retry waits without holding a
 * thread and survives restarts.
 */
public final class RetryPolicy {
    private final IntervalFunction intervals;
    private final Duration window;

    public RetryPolicy(Duration initialDelay, Duration maxDelay, Duration window) {
        this.intervals = IntervalFunction.ofExponentialRandomBackoff(initialDelay, 2.0, 0.3, maxDelay);
        this.window = window;
    }

    /** When to try again after {@code attempts} failed attempts, or empty when the window is spent. */
    public Optional<Instant> nextAttempt(int attempts, Instant firstAttempt, Instant now) {
        Instant next = now.plusMillis(intervals.apply(attempts));
        return next.isAfter(firstAttempt.plus(window)) ? Optional.empty() : Optional.of(next);
    }
}
