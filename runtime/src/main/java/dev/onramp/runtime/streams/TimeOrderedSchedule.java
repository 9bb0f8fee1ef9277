package dev.onramp.runtime.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A schedule in a state store under {@link TimeOrderedKey}s (the notifier's retries and expiries, the processor's
 * session retirement): what is due is one range scan, earliest first.
 *
 * <p>A scan starts where the last one stopped, not at the first possible key. A schedule is a queue, taken from the
 * front and deleted, and RocksDB keeps a deleted key as a tombstone until it compacts: a scan from the very start
 * walks every entry taken since then, on every tick (with hundreds of thousands of sessions retired, each tick cost
 * more than the events between two ticks). Everything before where the last scan stopped has been taken, unless a
 * later {@link #put} went back before it, which moves the start back.
 *
 * <p>One per processor instance, over its task's store; what it remembers is a hint, so a fresh instance (a restart, a
 * restore, a task moved here) only scans from the start once. Callers delete (or move) every entry {@link #due}
 * returns.
 */
public final class TimeOrderedSchedule<V> {
    private final KeyValueStore<String, V> store;
    /** No entry lies before this time (all taken). */
    private long scanFrom;

    public TimeOrderedSchedule(KeyValueStore<String, V> store) {
        this.store = store;
    }

    public void put(Instant at, String id, V value) {
        store.put(TimeOrderedKey.of(at, id), value);
        scanFrom = Math.min(scanFrom, at.toEpochMilli());
    }

    public V get(Instant at, String id) {
        return store.get(TimeOrderedKey.of(at, id));
    }

    public void delete(String key) {
        store.delete(key);
    }

    /** Up to {@code limit} entries due at or before {@code now}, earliest first; the caller deletes or moves each. */
    public List<KeyValue<String, V>> due(Instant now, int limit) {
        List<KeyValue<String, V>> due = new ArrayList<>();
        try (KeyValueIterator<String, V> it = dueBy(now)) {
            while (it.hasNext() && due.size() < limit) {
                due.add(it.next());
            }
        }
        scanFrom = due.size() < limit ? now.toEpochMilli() : TimeOrderedKey.timeOf(due.get(due.size() - 1).key).toEpochMilli();
        return due;
    }

    /** The time of the earliest entry due at or before {@code now}, if any is still waiting. */
    public Optional<Instant> oldestDue(Instant now) {
        try (KeyValueIterator<String, V> it = dueBy(now)) {
            return it.hasNext() ? Optional.of(TimeOrderedKey.timeOf(it.next().key)) : Optional.empty();
        }
    }

    public long approximateNumEntries() {
        return store.approximateNumEntries();
    }

    /**
     * From where the last scan stopped to {@code now}, never further: Kafka Streams' record cache copies the keys of a
     * range it is asked for, so a range open at the top would copy every cached entry not yet due on every tick.
     */
    private KeyValueIterator<String, V> dueBy(Instant now) {
        return store.range(TimeOrderedKey.of(Instant.ofEpochMilli(scanFrom), ""), TimeOrderedKey.dueBy(now));
    }
}
