package dev.onramp.runtime.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TimeOrderedKeyTest {
    @Test
    void keysSortByTimeAndGiveTheirTimeAndIdBack() {
        Instant at = Instant.parse("2026-11-27T06:00:00.123Z");
        String key = TimeOrderedKey.of(at, "ntf_abc");
        assertThat(key).isEqualTo("0001795759200123/ntf_abc");
        assertThat(TimeOrderedKey.timeOf(key)).isEqualTo(at);
        assertThat(TimeOrderedKey.idOf(key)).isEqualTo("ntf_abc");
        assertThat(TimeOrderedKey.first()).isEqualTo("0000000000000000/");
    }

    @Test
    void theStringOrderIsTheTimeOrderAndDueByBoundsARange() {
        Random random = new Random(42);
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            times.add(Instant.ofEpochMilli(random.nextLong(1L, 4_000_000_000_000L)));
        }
        List<String> keys = new ArrayList<>(times.stream().map(t -> TimeOrderedKey.of(t, "ntf_" + t.toEpochMilli())).toList());
        keys.sort(Comparator.naturalOrder());
        assertThat(keys.stream().map(TimeOrderedKey::timeOf).toList()).isSortedAccordingTo(Comparator.naturalOrder());
        Instant now = times.get(0);
        assertThat(keys).allSatisfy(key -> assertThat(key.compareTo(TimeOrderedKey.dueBy(now)) <= 0)
                .isEqualTo(!TimeOrderedKey.timeOf(key).isAfter(now)));
        assertThat(keys).allSatisfy(key -> assertThat(key).isGreaterThan(TimeOrderedKey.first()));
    }
}
