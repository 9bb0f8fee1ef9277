package dev.onramp.processor.session;

import static dev.onramp.processor.session.SessionTopologyFixture.START;
import static dev.onramp.processor.session.SessionTopologyFixture.event;
import static dev.onramp.processor.session.SessionTopologyFixture.lifecycle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.session.state.SessionSettings;
import dev.onramp.session.state.SessionStateMachine;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** Sessions leave the store a retention after they were last heard of, on stream time, and never end twice. */
class SessionRetirementTest {
    private static final String S = "cos_RetiredSession01";
    private static final String OTHER = "cos_StreamTimeMover01";
    private static final long DAY = Duration.ofDays(1).toSeconds();

    /** An event of another session received {@code seconds} after the start: it moves stream time there. */
    private static OnrampSessionEvent clockAt(String eventId, long seconds) {
        return event(eventId, OTHER, SessionStatus.INITIALIZED, seconds);
    }

    /** Live: the wall clock and stream time move together. */
    private static void liveAt(SessionTopologyFixture h, String eventId, long seconds) {
        h.wallClockTo(START.plusSeconds(seconds));
        h.sendAtReceipt(clockAt(eventId, seconds));
    }

    @Test
    void anEndedSessionLeavesTheStoreTheRetentionAfterItsLastEvent() {
        try (var h = new SessionTopologyFixture()) {
            lifecycle(S).forEach(h::sendAtReceipt);
            assertThat(h.outcomes.readValuesToList()).hasSize(1);

            liveAt(h, "evt_t29", 29 * DAY);
            assertThat(h.state(S)).as("held within the retention").isNotNull();

            liveAt(h, "evt_t30", 30 * DAY + 120);
            assertThat(h.state(S)).as("retired 30 days after its last event").isNull();
            assertThat(h.state(OTHER)).as("a session heard of a moment ago stays").isNotNull();
            assertThat(h.counter("onramp.processor.sessions.retired")).isEqualTo(1.0);
            assertThat(h.latestStates().get(S).getStatus()).as("the contract topic keeps the last state")
                    .isEqualTo(SessionStatus.FULFILLMENT_COMPLETE);
            assertThat(h.outcomes.isEmpty()).isTrue();
        }
    }

    @Test
    void aSessionHeardOfAgainStaysAnotherRetentionAndAnAbandonedOneLeavesToo() {
        try (var h = new SessionTopologyFixture()) {
            h.sendAtReceipt(event("evt_a1", S, SessionStatus.INITIALIZED, 1));
            h.wallClockTo(START.plusSeconds(20 * DAY));
            h.sendAtReceipt(event("evt_a2", S, SessionStatus.REQUIRES_PAYMENT, 20 * DAY));

            liveAt(h, "evt_t31", 31 * DAY);
            assertThat(h.state(S)).as("heard of on day 20: kept past day 30").isNotNull();
            assertThat(h.state(S).getStatus()).isEqualTo(SessionStatus.REQUIRES_PAYMENT);

            liveAt(h, "evt_t51", 50 * DAY + 120);
            assertThat(h.state(S)).as("never paid, silent for 30 days: retired without an outcome").isNull();
            assertThat(h.outcomes.isEmpty()).isTrue();
        }
    }

    @Test
    void aLateRedeliveryOfARetiredSessionsEventIsNotAppliedAndNobodyIsToldTwice() {
        try (var h = new SessionTopologyFixture()) {
            lifecycle(S).forEach(h::sendAtReceipt);
            liveAt(h, "evt_t31", 31 * DAY);
            assertThat(h.state(S)).isNull();

            OnrampSessionEvent complete = lifecycle(S).get(3);
            h.sendAtReceipt(OnrampSessionEvent.newBuilder(complete).setReceivedAt(START.plus(Duration.ofDays(31))).build());
            assertThat(h.state(S)).as("not started again").isNull();
            assertThat(h.outcomes.readValuesToList()).as("the one outcome of day 0 only").hasSize(1);
            assertThat(h.counter("onramp.processor.events.beyond.retention")).isEqualTo(1.0);

            // A new session whose events come in on time is applied as always.
            h.sendAtReceipt(event("evt_new", "cos_NewSessionToday01", SessionStatus.REJECTED, 31 * DAY + 5));
            assertThat(h.state("cos_NewSessionToday01").getStatus()).isEqualTo(SessionStatus.REJECTED);
        }
    }

    @Test
    void sessionsStoredByAVersionWithoutRetirementAreScheduledByOneWalkAndRetired() {
        try (var h = new SessionTopologyFixture()) {
            Instant receipt = START.plusSeconds(5);
            var old = new SessionStateMachine().accept(null,
                    OnrampSessionEvent.newBuilder(lifecycle(S).get(3)).setReceivedAt(receipt).build(), receipt, Duration.ofDays(7));
            h.storeUnscheduled(old.orElseThrow().state());

            liveAt(h, "evt_t1", 10);
            KeyValueStore<String, String> schedule = h.driver.getKeyValueStore(SessionTopology.RETIREMENT_STORE);
            assertThat(schedule.get(SessionRetirement.SCHEDULED_ALL_MARKER)).as("the walk is done").isNotNull();

            liveAt(h, "evt_t29", 29 * DAY);
            assertThat(h.state(S)).isNotNull();
            liveAt(h, "evt_t31", 30 * DAY + 120);
            assertThat(h.state(S)).isNull();
        }
    }

    @Test
    void oneEventStampedYearsAheadRetiresNothingBeforeItsTime() {
        try (var h = new SessionTopologyFixture()) {
            lifecycle(S).forEach(h::sendAtReceipt);
            h.wallClockTo(START.plusSeconds(DAY));
            // An ingest host whose clock is 400 days ahead: stream time jumps there, the wall clock does not.
            h.sendAtReceipt(clockAt("evt_future", 400 * DAY));
            assertThat(h.state(S)).as("the wall clock caps stream time").isNotNull();

            liveAt(h, "evt_t31", 30 * DAY + 120);
            assertThat(h.state(S)).as("retired when the wall clock gets there").isNull();
        }
    }

    @Test
    void theRetentionCannotBeShorterThanTheDeduplicationHorizon() {
        assertThatThrownBy(() -> SessionSettings.defaults().withRetention(Duration.ofDays(6)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("de-duplication horizon");
        assertThat(SessionSettings.defaults().sessionRetention()).isEqualTo(Duration.ofDays(30));
    }
}
