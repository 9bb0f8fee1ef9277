package dev.onramp.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class HealthCheckTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final HealthCheck dependency = HealthCheck.of("dep", () -> {
        asked.incrementAndGet();
        if (!up.get()) {
            throw new IllegalStateException("down");
        }
    });

    @Test
    void aFloodOfHealthCallsAsksTheDependencyOncePerSecond() throws Exception {
        HealthCheck cached = dependency.cached(Duration.ofSeconds(1), now::get);
        for (int i = 0; i < 500; i++) {
            cached.check();
        }
        assertThat(asked).hasValue(1);
        up.set(false);
        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThatCode(cached::check).doesNotThrowAnyException();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        for (int i = 0; i < 500; i++) {
            assertThatThrownBy(cached::check).hasMessage("down");
        }
        assertThat(asked).hasValue(2);
    }

    @Test
    void aShortBlipIsToleratedAfterASuccessButNotALongOneNorBeforeAnySuccess() {
        HealthCheck tolerant = dependency.toleratingFailuresFor(Duration.ofMinutes(2), now::get);
        up.set(false);
        assertThatThrownBy(tolerant::check).as("never passed yet").hasMessage("down");
        up.set(true);
        assertThatCode(tolerant::check).doesNotThrowAnyException();
        up.set(false);
        now.addAndGet(Duration.ofSeconds(119).toNanos());
        assertThatCode(tolerant::check).doesNotThrowAnyException();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThatThrownBy(tolerant::check).hasMessage("down");
    }
}
