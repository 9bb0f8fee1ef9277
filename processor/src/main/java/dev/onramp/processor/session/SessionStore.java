package dev.onramp.processor.session;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The session-state store, holding each state already encoded as the record of {@code onramp.session-state.v1}.
 *
 * <p>Why bytes and not a typed store: every event writes the new state twice, to the store (and its changelog)
 * and to the compacted state topic. A typed store and the sink would each encode it; here it is encoded once
 * and the same bytes go to both.
 *
 * <p>Why a few decoded states are kept beside it: a session's events tend to come close together, and decoding
 * the state (history included) the event before wrote was the largest single cost per event. A kept state is
 * used only while the store still returns the very array it was encoded into (compared by identity), so the
 * store stays the one source of truth: a restored, rewritten or evicted entry is a different array and is decoded
 * again. Nothing here needs to know when Kafka Streams restores or re-initialises the task.
 */
public final class SessionStore {
    /** Per task; a few MB at most, and enough for the sessions one commit interval touches on a busy partition. */
    static final int DECODED_STATES_KEPT = 1024;

    private final KeyValueStore<String, byte[]> store;
    private final Serde<SessionState> serde;
    private final Map<String, Decoded> decoded = new LinkedHashMap<>(DECODED_STATES_KEPT * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Decoded> eldest) {
            return size() > DECODED_STATES_KEPT;
        }
    };

    /** A state and the array the store holds for it. The state is never mutated after it is stored. */
    private record Decoded(byte[] encoded, SessionState state) {
    }

    SessionStore(KeyValueStore<String, byte[]> store, Serde<SessionState> serde) {
        this.store = store;
        this.serde = serde;
    }

    /** The session's state, or {@code null} when the session has not been seen. */
    SessionState get(String sessionId) {
        byte[] encoded = store.get(sessionId);
        if (encoded == null) {
            decoded.remove(sessionId);
            return null;
        }
        Decoded kept = decoded.get(sessionId);
        if (kept != null && kept.encoded == encoded) {
            return kept.state;
        }
        SessionState state = decode(serde, encoded);
        decoded.put(sessionId, new Decoded(encoded, state));
        return state;
    }

    /** Stores the state and returns its encoding, to be written unchanged to the state topic. */
    byte[] put(String sessionId, SessionState state) {
        byte[] encoded = serde.serializer().serialize(Topics.SESSION_STATE.name(), state);
        store.put(sessionId, encoded);
        decoded.put(sessionId, new Decoded(encoded, state));
        return encoded;
    }

    /** The session leaves the store (a tombstone in its changelog). */
    void delete(String sessionId) {
        store.delete(sessionId);
        decoded.remove(sessionId);
    }

    /** A read from the store as Interactive Queries see it (the query API). */
    public static SessionState get(ReadOnlyKeyValueStore<String, byte[]> store, Serde<SessionState> serde, String sessionId) {
        return decode(serde, store.get(sessionId));
    }

    private static SessionState decode(Serde<SessionState> serde, byte[] encoded) {
        return encoded == null ? null : serde.deserializer().deserialize(Topics.SESSION_STATE.name(), encoded);
    }
}
