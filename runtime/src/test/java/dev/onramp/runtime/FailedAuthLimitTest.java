package dev.onramp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class FailedAuthLimitTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final FailedAuthLimit limit = new FailedAuthLimit("test API", now::get);

    @Test
    void afterTenFailuresInAMinuteAClientWaitsUntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < FailedAuthLimit.MAX_FAILURES; i++) {
            assertThat(limit.failed("203.0.113.7")).as("failure %d", i + 1).isZero();
            now.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        assertThat(limit.failed("203.0.113.7")).as("the eleventh, 10 s after the first; it replaces the first")
                .isEqualTo(Duration.ofSeconds(51));
        assertThat(limit.failed("198.51.100.2")).as("another client").isZero();
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        assertThat(limit.failed("203.0.113.7")).as("every earlier failure has left the window").isZero();
    }

    @Test
    void aClientThatKeepsFailingKeepsWaiting() {
        for (int i = 0; i < 3 * FailedAuthLimit.MAX_FAILURES; i++) {
            limit.failed("203.0.113.7");
            now.addAndGet(Duration.ofSeconds(5).toNanos());
        }
        assertThat(limit.failed("203.0.113.7")).isPositive();
    }
}
