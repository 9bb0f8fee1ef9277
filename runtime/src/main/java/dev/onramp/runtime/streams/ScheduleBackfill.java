package dev.onramp.runtime.streams;

import java.util.function.BiConsumer;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A one-time walk over a store whose entries were written by a version that kept no schedule for them (the
 * processor's sessions, the notifier's recipients): a slice per tick, resumed after the last key, and a marker in the
 * schedule's store when done, so later starts skip it. One per processor instance; a fresh instance resumes from the
 * start until the marker is there (scheduling an entry twice only makes it come due twice).
 */
public final class ScheduleBackfill<S> {
    private final KeyValueStore<String, S> source;
    private final KeyValueStore<String, String> markers;
    private final String marker;
    private boolean done;
    private String walkedUpTo;

    /** {@code marker} must sort after every time-ordered key (start it with {@code ~}), so no due range reaches it. */
    public ScheduleBackfill(KeyValueStore<String, S> source, KeyValueStore<String, String> markers, String marker) {
        this.source = source;
        this.markers = markers;
        this.marker = marker;
    }

    /** Hands up to {@code limit} further entries to {@code schedule}; a no-op once the walk is done. */
    public void step(int limit, BiConsumer<String, S> schedule) {
        if (done) {
            return;
        }
        if (markers.get(marker) != null) {
            done = true;
            return;
        }
        int scheduled = 0;
        try (KeyValueIterator<String, S> it = walkedUpTo == null ? source.all() : source.range(walkedUpTo, null)) {
            while (it.hasNext() && scheduled < limit) {
                KeyValue<String, S> entry = it.next();
                if (entry.key.equals(walkedUpTo)) {
                    continue;
                }
                schedule.accept(entry.key, entry.value);
                walkedUpTo = entry.key;
                scheduled++;
            }
            if (it.hasNext()) {
                return;
            }
        }
        markers.put(marker, "true");
        done = true;
    }
}
