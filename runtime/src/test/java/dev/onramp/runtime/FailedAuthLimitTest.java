package dev.onramp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class FailedAuthLimitTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final FailedAuthLimit limit = new FailedAuthLimit(now::get);

    @Test
    void tenFailuresInAMinuteMakeAClientWaitUntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < FailedAuthLimit.MAX_FAILURES - 1; i++) {
            limit.failed("203.0.113.7");
            now.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        assertThat(limit.waitBeforeNextTry("203.0.113.7")).isZero();
        limit.failed("203.0.113.7");
        assertThat(limit.waitBeforeNextTry("203.0.113.7")).isEqualTo(Duration.ofSeconds(51));
        assertThat(limit.waitBeforeNextTry("198.51.100.2")).as("another client").isZero();
        now.addAndGet(Duration.ofSeconds(51).toNanos());
        assertThat(limit.waitBeforeNextTry("203.0.113.7")).isZero();
    }
}
