package dev.onramp.bench.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import dev.onramp.devstack.simulate.OnrampSimulator.Deciding;
import org.junit.jupiter.api.Test;

class ScaleOutRunTest {
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    @Test
    void aPartitionThatStallsWhileOthersFlowShowsItsOwnGap() {
        Map<String, Deciding> deciding = Map.of(
                "a1", new Deciding(at(0), at(10)), "a2", new Deciding(at(100), at(110)), "a3", new Deciding(at(200), at(210)),
                "b1", new Deciding(at(0), at(20)), "b2", new Deciding(at(50), at(60)));
        Map<String, OutcomeWatch.Seen> seen = Map.of(
                "a1", new OutcomeWatch.Seen(0, at(50)), "a2", new OutcomeWatch.Seen(0, at(150)), "a3", new OutcomeWatch.Seen(0, at(250)),
                // Partition 1 stalls: b2 is due from 60 ms and nothing comes out on 1 until 4,060 ms.
                "b1", new OutcomeWatch.Seen(1, at(40)), "b2", new OutcomeWatch.Seen(1, at(4_060)));

        ScaleOutRun.Gap gap = ScaleOutRun.longestGap(deciding, seen::get);

        assertThat(gap.partition()).isEqualTo(1);
        assertThat(gap.millis()).isEqualTo(4_000);
    }

    @Test
    void timeWithNothingDueIsNoGap() {
        Map<String, Deciding> deciding = Map.of("a1", new Deciding(at(0), at(10)), "a2", new Deciding(at(9_000), at(9_010)));
        Map<String, OutcomeWatch.Seen> seen = Map.of("a1", new OutcomeWatch.Seen(0, at(60)), "a2", new OutcomeWatch.Seen(0, at(9_070)));

        assertThat(ScaleOutRun.longestGap(deciding, seen::get).millis()).isEqualTo(60);
    }

    @Test
    void aSessionWaitingBehindLaterOnesCountsFromWhenItWasDue() {
        // a1 is due from 10 ms; a2 and a3, due later, come out first, a1 last at 3,000 ms: the longest stretch without
        // an outcome while a1 waited is from a3's outcome (1,000 ms) to a1's.
        Map<String, Deciding> deciding = Map.of("a1", new Deciding(at(0), at(10)), "a2", new Deciding(at(400), at(410)),
                "a3", new Deciding(at(500), at(510)));
        Map<String, OutcomeWatch.Seen> seen = Map.of("a1", new OutcomeWatch.Seen(0, at(3_000)), "a2", new OutcomeWatch.Seen(0, at(450)),
                "a3", new OutcomeWatch.Seen(0, at(1_000)));

        assertThat(ScaleOutRun.longestGap(deciding, seen::get).millis()).isEqualTo(2_000);
    }

    @Test
    void latencyCountsFromTheScheduledSlotToTheVisibleOutcome() {
        Map<String, Deciding> deciding = Map.of("a", new Deciding(at(0), at(90)), "b", new Deciding(at(100), at(120)),
                "lost", new Deciding(at(0), at(5)));
        Map<String, OutcomeWatch.Seen> seen = Map.of("a", new OutcomeWatch.Seen(0, at(300)), "b", new OutcomeWatch.Seen(1, at(200)));

        ScaleOutRun.Latency latency = ScaleOutRun.latency(deciding, seen::get);

        assertThat(latency.outcomes()).isEqualTo(2);
        assertThat(latency.p50Millis()).isEqualTo(300);
        assertThat(latency.maxMillis()).isEqualTo(300);
    }
}
