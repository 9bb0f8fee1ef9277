package dev.onramp.devstack.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LatencyTimelineTest {

    @Test
    void keepsTheWorstLatencyOfEachWindowByWhenItsWebhookWasDue() {
        Instant start = Instant.parse("2026-11-27T00:00:00Z");
        LatencyTimeline timeline = new LatencyTimeline(start, Duration.ofSeconds(5));
        timeline.add(start, 120_000);
        timeline.add(start.plusMillis(4_999), 300_000);
        timeline.add(start.plusSeconds(5), 90_000);
        timeline.add(start.plusSeconds(17), 1_250_000);
        timeline.add(start.minusMillis(10), 80_000);  // a session whose terminal webhook was due first, by a hair

        assertThat(timeline.maxMillisByWindow()).isEqualTo(Map.of(0L, 300L, 5L, 90L, 15L, 1_250L));
        assertThat(timeline.toString()).isEqualTo("0 s: 300, 5 s: 90, 15 s: 1250");
    }
}
