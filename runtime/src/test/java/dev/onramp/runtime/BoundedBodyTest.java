package dev.onramp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BoundedBodyTest {
    @Test
    void aBodyHasAGracePeriodThenMustKeepUpTheMinimumRate() {
        long now = System.nanoTime();
        assertThat(BoundedBody.tooSlow(now - Duration.ofSeconds(1).toNanos(), 10)).as("a stall inside the grace").isFalse();
        assertThat(BoundedBody.tooSlow(now - Duration.ofSeconds(7).toNanos(), 100)).as("a trickle past it").isTrue();
        assertThat(BoundedBody.tooSlow(now - Duration.ofSeconds(7).toNanos(), 10 * 1024)).as("a large body still coming").isFalse();
    }
}
