package dev.onramp.processor.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.onramp.runtime.streams.ScheduleBackfill;
import dev.onramp.runtime.streams.TimeOrderedKey;
import dev.onramp.runtime.streams.TimeOrderedSchedule;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.StatusChange;
import dev.onramp.session.state.SessionSettings;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the state store bounded: a session leaves it {@link SessionSettings#sessionRetention()} after it was last heard
 * of, ended or not, so the store (and the restore of its changelog, once compacted) holds the sessions of one retention
 * period however many months of history lie behind it.
 *
 * <p>Time is stream time: "last heard of" is the latest {@code received_at} in the session's history, and "now" is the
 * largest record timestamp the task has seen (ingest's clock, as the events were written), capped at the wall clock. A
 * replay of old history therefore retires sessions as the history itself moves on, never halfway through a session's
 * events because the wall clock is months ahead; and one record stamped by a clock years ahead moves nothing early.
 * Ticks come each minute of stream time and each minute of wall clock.
 *
 * <p>The schedule is a time-ordered index ({@link TimeOrderedKey}, retire-at / session id) written once per session,
 * when it is first seen, not on every event. When an entry comes due the session is looked at again: if it was heard of
 * since, the entry moves to its new retire-at; otherwise the session leaves the store and the stall index. Each tick
 * takes a bounded slice, in order ({@link TimeOrderedSchedule}, which also keeps ticks from walking the tombstones
 * of entries already taken).
 *
 * <p>Why retiring cannot tell a user twice: an outcome is emitted once, when the session ends. Stripe retries a
 * delivery for 3 days, and the retention is at least the de-duplication horizon (7 days by default), so a
 * legitimate late event finds its session still held. An event for a session the store does not hold, received more
 * than the retention after Stripe created it, may belong to a retired session: it is not applied
 * ({@link #beyondRetention}), since it would start the session again and could end it a second time.
 *
 * <p>Instances upgraded from a version without retirement hold sessions with no schedule: the first ticks walk the
 * store once, a slice at a time, and schedule each; a marker in the index records that the walk is done.
 */
final class SessionRetirement {
    /** How often (stream time, and wall clock) due sessions are looked for. */
    static final Duration CHECK_INTERVAL = Duration.ofMinutes(1);
    /** Sessions looked at per tick, at most: a tick runs on the stream thread, inside a commit interval. */
    static final int MAX_PER_TICK = 20_000;
    /** Sorts after every time-ordered key, so no range of due entries ever reaches it. */
    static final String SCHEDULED_ALL_MARKER = "~every-session-scheduled";

    private final Duration retention;
    private final SessionStore sessions;
    private final TimeOrderedSchedule<String> schedule;
    private final ScheduleBackfill<byte[]> unscheduled;
    private final KeyValueStore<String, Long> watched;
    private final SessionMetrics metrics;

    SessionRetirement(Duration retention, SessionStore sessions, KeyValueStore<String, byte[]> encodedSessions,
                      KeyValueStore<String, String> schedule, KeyValueStore<String, Long> watched, SessionMetrics metrics) {
        this.retention = retention;
        this.sessions = sessions;
        this.schedule = new TimeOrderedSchedule<>(schedule);
        this.unscheduled = new ScheduleBackfill<>(encodedSessions, schedule, SCHEDULED_ALL_MARKER);
        this.watched = watched;
        this.metrics = metrics;
    }

    /**
     * True when the event cannot be told apart from a late event of a retired session: its session is not held and it
     * reached ingest more than the retention after Stripe created it.
     */
    boolean beyondRetention(SessionState held, OnrampSessionEvent event) {
        return held == null && Duration.between(event.getEventCreated(), event.getReceivedAt()).compareTo(retention) > 0;
    }

    /** A session seen for the first time: its retirement is scheduled (and moved later, lazily, if it is heard of again). */
    void firstSeen(String sessionId, OnrampSessionEvent event) {
        scheduleAt(event.getReceivedAt().plus(retention), sessionId);
    }

    private void scheduleAt(Instant retireAt, String sessionId) {
        schedule.put(retireAt, sessionId, sessionId);
    }

    /**
     * One tick at {@code nowMs} (stream time, capped at the wall clock): schedule a slice of unscheduled sessions, then
     * retire a slice of due ones.
     */
    void tick(long nowMs) {
        if (nowMs < 0) {
            return; // no record yet, so no stream time
        }
        unscheduled.step(MAX_PER_TICK, (sessionId, encoded) -> scheduleAt(lastHeardOf(sessions.get(sessionId)).plus(retention), sessionId));
        Instant now = Instant.ofEpochMilli(nowMs);
        List<KeyValue<String, String>> due = schedule.due(now, MAX_PER_TICK);
        for (KeyValue<String, String> entry : due) {
            schedule.delete(entry.key);
            String sessionId = entry.value;
            SessionState state = sessions.get(sessionId);
            if (state == null) {
                continue;
            }
            Instant retireAt = lastHeardOf(state).plus(retention);
            if (retireAt.isAfter(now)) {
                scheduleAt(retireAt, sessionId);
            } else {
                sessions.delete(sessionId);
                watched.delete(sessionId);
                metrics.retired();
            }
        }
    }

    /** The latest time ingest received an event of the session. */
    static Instant lastHeardOf(SessionState state) {
        Instant latest = Instant.EPOCH;
        for (StatusChange change : state.getHistory()) {
            if (change.getReceivedAt().isAfter(latest)) {
                latest = change.getReceivedAt();
            }
        }
        return latest.equals(Instant.EPOCH) ? state.getUpdatedAt() : latest;
    }
}
