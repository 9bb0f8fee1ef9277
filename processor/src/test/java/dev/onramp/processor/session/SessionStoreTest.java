package dev.onramp.processor.session;

import static dev.onramp.processor.session.SessionTopologyFixture.START;
import static dev.onramp.processor.session.SessionTopologyFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.InMemorySchemaRegistry;
import dev.onramp.session.state.SessionStateMachine;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The decoded states kept beside the store are used only while the store still holds what they were encoded into. */
class SessionStoreTest {
    private final Serde<SessionState> encoding = Topics.SESSION_STATE.valueSerde(new InMemorySchemaRegistry());
    private final AtomicInteger decodes = new AtomicInteger();
    private final Serde<SessionState> counting = Serdes.serdeFrom(encoding.serializer(), new Deserializer<>() {
        @Override
        public SessionState deserialize(String topic, byte[] data) {
            decodes.incrementAndGet();
            return encoding.deserializer().deserialize(topic, data);
        }
    });
    private KeyValueStore<String, byte[]> bytes;
    private SessionStore sessions;

    @BeforeEach
    void openStore() {
        bytes = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("sessions"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        bytes.init(new MockProcessorContext<>().getStateStoreContext(), bytes);
        sessions = new SessionStore(bytes, counting);
    }

    private static SessionState state(String sessionId, SessionStatus status) {
        return new SessionStateMachine().apply(null, event("e1", sessionId, status, 1), START).state();
    }

    @Test
    void theStatePutIsReadBackWithoutDecoding() {
        SessionState stored = state("cos_1", SessionStatus.REQUIRES_PAYMENT);
        sessions.put("cos_1", stored);
        assertThat(sessions.get("cos_1")).isSameAs(stored);
        assertThat(decodes).hasValue(0);
    }

    @Test
    void aStateRewrittenBehindItsBackIsDecodedFromTheStore() {
        sessions.put("cos_1", state("cos_1", SessionStatus.REQUIRES_PAYMENT));
        // What a restore from the changelog or an eviction and re-read looks like: equal content, another array.
        SessionState other = state("cos_1", SessionStatus.FULFILLMENT_PROCESSING);
        byte[] encoded = encoding.serializer().serialize(Topics.SESSION_STATE.name(), other);
        bytes.put("cos_1", Arrays.copyOf(encoded, encoded.length));
        assertThat(sessions.get("cos_1")).isEqualTo(other);
        assertThat(decodes).hasValue(1);
        assertThat(sessions.get("cos_1")).isEqualTo(other);
        assertThat(decodes).as("decoded once, then kept").hasValue(1);
    }

    @Test
    void aStateDeletedFromTheStoreIsGone() {
        sessions.put("cos_1", state("cos_1", SessionStatus.REQUIRES_PAYMENT));
        bytes.delete("cos_1");
        assertThat(sessions.get("cos_1")).isNull();
    }

    @Test
    void onlyABoundedNumberOfStatesIsKept() {
        for (int i = 0; i <= SessionStore.DECODED_STATES_KEPT; i++) {
            sessions.put("cos_" + i, state("cos_" + i, SessionStatus.INITIALIZED));
        }
        sessions.get("cos_" + SessionStore.DECODED_STATES_KEPT);
        assertThat(decodes).hasValue(0);
        assertThat(sessions.get("cos_0")).as("the eldest was dropped and is decoded again").isNotNull();
        assertThat(decodes).hasValue(1);
    }
}
