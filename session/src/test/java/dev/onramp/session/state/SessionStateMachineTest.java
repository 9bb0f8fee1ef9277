package dev.onramp.session.state;

import static dev.onramp.session.state.SessionEvents.START;
import static dev.onramp.session.state.SessionEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.onramp.schemas.Disposition;
import dev.onramp.schemas.Fees;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.StatusChange;
import dev.onramp.schemas.TransactionDetails;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure rules alone; the topology tests cover them through the stores. */
class SessionStateMachineTest {
    private final SessionStateMachine machine = new SessionStateMachine();

    @Test
    void copyOfKeepsEveryField() {
        // Every field distinct, so a swapped constructor argument would show.
        SessionState full = SessionState.newBuilder()
                .setSessionId("cos_1").setStatus(SessionStatus.REJECTED).setStatusRaw("rejected")
                .setLastEventId("evt_9").setLastEventCreated(START.plusSeconds(1)).setStatusSince(START.plusSeconds(2))
                .setLivemode(true).setKycDetailsProvided(true)
                .setTransactionDetails(TransactionDetails.newBuilder().setTransactionId("0x1").build())
                .setHistory(List.of(new StatusChange("evt_9", SessionStatus.REJECTED, "rejected", START, START, Disposition.APPLIED)))
                .setOutcome(OutcomeKind.REJECTED).setOutcomeAt(START.plusSeconds(3))
                .setAnomalies(4).setAlertsSent(5).setUpdatedAt(START.plusSeconds(6))
                .build();
        assertThat(SessionStateMachine.copyOf(full)).isEqualTo(full).isNotSameAs(full);
    }

    /** The ordering rules as a table: (session's status, event's status, event created later?) → what the event is. */
    @ParameterizedTest(name = "{0} then {1} (later: {2}) -> {3}")
    @CsvSource({
        "REQUIRES_PAYMENT,       UNKNOWN,                true,  UNKNOWN_STATUS",
        "FULFILLMENT_COMPLETE,   REJECTED,               true,  CONTRADICTS_OUTCOME",
        "REJECTED,               FULFILLMENT_COMPLETE,   false, CONTRADICTS_OUTCOME",
        "FULFILLMENT_COMPLETE,   FULFILLMENT_COMPLETE,   true,  CONVERGES",
        "FULFILLMENT_COMPLETE,   INITIALIZED,            true,  CONVERGES",
        "INITIALIZED,            FULFILLMENT_PROCESSING, false, ADVANCES",
        "REQUIRES_PAYMENT,       REJECTED,               false, ADVANCES",
        "REQUIRES_PAYMENT,       REQUIRES_PAYMENT,       true,  NEWER_SAME_STATUS",
        "REQUIRES_PAYMENT,       REQUIRES_PAYMENT,       false, CONVERGES",
        "FULFILLMENT_PROCESSING, REQUIRES_PAYMENT,       true,  CONVERGES",
    })
    void classifiesAnArrivalByRankAndCreationTimeNeverByArrivalOrder(SessionStatus current, SessionStatus incoming,
                                                                      boolean later, SessionStateMachine.Arrival expected) {
        SessionState state = machine.apply(null, event("e1", "cos_1", current, 10), START).state();
        var arriving = event("e2", "cos_1", incoming, later ? 11 : 10);
        assertThat(SessionStateMachine.classify(state, arriving)).isEqualTo(expected);
    }

    @Test
    void applyNeverChangesTheStateItWasGiven() {
        SessionState first = machine.apply(null, event("e1", "cos_1", SessionStatus.REQUIRES_PAYMENT, 1), START).state();
        SessionState snapshot = SessionState.newBuilder(first).build();
        machine.apply(first, event("e2", "cos_1", SessionStatus.FULFILLMENT_COMPLETE, 2), START.plusSeconds(5));
        assertThat(first).isEqualTo(snapshot);
    }

    @Test
    void acceptSkipsAnEventIdTheHistoryHoldsWithinTheHorizon() {
        var e1 = event("e1", "cos_1", SessionStatus.INITIALIZED, 1);
        SessionState state = machine.apply(null, e1, START).state();
        assertThat(machine.accept(state, e1, START, Duration.ofDays(7))).isEmpty();
        assertThat(machine.accept(state, event("e2", "cos_1", SessionStatus.INITIALIZED, 1), START, Duration.ofDays(7))).isPresent();
    }

    @Test
    void mergeFillsUnknownFieldsAndNeverErasesOne() {
        TransactionDetails known = TransactionDetails.newBuilder().setSourceAmount("10").setWalletAddresses(Map.of("ethereum", "0xa"))
                .setFees(new Fees("1", null)).build();
        TransactionDetails incoming = TransactionDetails.newBuilder().setSourceAmount("11").setTransactionId("0xt")
                .setFees(new Fees(null, "2")).build();
        TransactionDetails older = SessionStateMachine.merge(known, incoming, false);
        assertThat(older.getSourceAmount()).isEqualTo("10");
        assertThat(older.getTransactionId()).isEqualTo("0xt");
        assertThat(older.getWalletAddresses()).containsEntry("ethereum", "0xa");
        assertThat(older.getFees()).isEqualTo(new Fees("1", "2"));
        TransactionDetails newer = SessionStateMachine.merge(known, incoming, true);
        assertThat(newer.getSourceAmount()).isEqualTo("11");
        assertThat(newer.getWalletAddresses()).containsEntry("ethereum", "0xa");
    }
}
