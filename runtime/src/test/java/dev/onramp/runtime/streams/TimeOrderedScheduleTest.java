package dev.onramp.runtime.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimeOrderedScheduleTest {
    private static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");

    private KeyValueStore<String, String> store;
    private TimeOrderedSchedule<String> schedule;

    @BeforeEach
    void open() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("schedule"), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        schedule = new TimeOrderedSchedule<>(store);
    }

    private List<String> takeDue(TimeOrderedSchedule<String> from, Instant now, int limit) {
        List<KeyValue<String, String>> due = from.due(now, limit);
        due.forEach(entry -> from.delete(entry.key));
        return due.stream().map(entry -> entry.value).toList();
    }

    @Test
    void dueEntriesComeEarliestFirstInBoundedSlicesAndNothingBeforeItsTime() {
        for (int i = 9; i >= 0; i--) {
            schedule.put(T0.plusSeconds(i), "id" + i, "v" + i);
        }
        assertThat(takeDue(schedule, T0.minusMillis(1), 100)).isEmpty();
        assertThat(takeDue(schedule, T0.plusSeconds(5), 4)).containsExactly("v0", "v1", "v2", "v3");
        assertThat(takeDue(schedule, T0.plusSeconds(5), 4)).containsExactly("v4", "v5");
        assertThat(schedule.oldestDue(T0.plusSeconds(5))).isEmpty();
        assertThat(schedule.oldestDue(T0.plusSeconds(8))).contains(T0.plusSeconds(6));
        assertThat(takeDue(schedule, T0.plusSeconds(60), 100)).containsExactly("v6", "v7", "v8", "v9");
    }

    @Test
    void anEntryPutBeforeWhereTheLastScanStoppedIsStillFound() {
        schedule.put(T0.plusSeconds(100), "late", "late");
        assertThat(takeDue(schedule, T0.plusSeconds(50), 100)).isEmpty();
        // The schedule now knows nothing is due before +100 s and has scanned up to +50 s.
        schedule.put(T0.plusSeconds(10), "overdue", "overdue");
        schedule.put(T0.plusSeconds(60), "sooner", "sooner");
        assertThat(takeDue(schedule, T0.plusSeconds(70), 100)).containsExactly("overdue", "sooner");
        assertThat(takeDue(schedule, T0.plusSeconds(100), 100)).containsExactly("late");
    }

    @Test
    void aFreshInstanceOverTheSameStoreFindsEverythingStillDue() {
        for (int i = 0; i < 5; i++) {
            schedule.put(T0.plus(Duration.ofMinutes(i)), "id" + i, "v" + i);
        }
        assertThat(takeDue(schedule, T0.plus(Duration.ofMinutes(1)), 100)).containsExactly("v0", "v1");
        TimeOrderedSchedule<String> restarted = new TimeOrderedSchedule<>(store);
        assertThat(takeDue(restarted, T0.plus(Duration.ofMinutes(10)), 100)).containsExactly("v2", "v3", "v4");
    }

    @Test
    void keysOutsideTheTimeOrderAreNeverDue() {
        store.put("~marker", "kept");
        schedule.put(T0, "a", "a");
        assertThat(takeDue(schedule, T0.plus(Duration.ofDays(365_000)), 100)).containsExactly("a");
        assertThat(store.get("~marker")).isEqualTo("kept");
    }
}
