package dev.onramp.processor.session;

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
 * and the same bytes go to both. Encoding the state, history included, is the largest cost per event.
 */
public final class SessionStore {
    private final KeyValueStore<String, byte[]> store;
    private final Serde<SessionState> serde;

    SessionStore(KeyValueStore<String, byte[]> store, Serde<SessionState> serde) {
        this.store = store;
        this.serde = serde;
    }

    /** The session's state, or {@code null} when the session has not been seen. */
    SessionState get(String sessionId) {
        return decode(serde, store.get(sessionId));
    }

    /** Stores the state and returns its encoding, to be written unchanged to the state topic. */
    byte[] put(String sessionId, SessionState state) {
        byte[] encoded = serde.serializer().serialize(Topics.SESSION_STATE.name(), state);
        store.put(sessionId, encoded);
        return encoded;
    }

    /** A read from the store as Interactive Queries see it (the query API). */
    public static SessionState get(ReadOnlyKeyValueStore<String, byte[]> store, Serde<SessionState> serde, String sessionId) {
        return decode(serde, store.get(sessionId));
    }

    private static SessionState decode(Serde<SessionState> serde, byte[] encoded) {
        return encoded == null ? null : serde.deserializer().deserialize(Topics.SESSION_STATE.name(), encoded);
    }
}
