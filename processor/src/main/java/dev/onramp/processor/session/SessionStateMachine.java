package dev.onramp.processor.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.onramp.schemas.Disposition;
import dev.onramp.schemas.Fees;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.StatusChange;
import dev.onramp.schemas.TransactionDetails;

/**
 * The session status rules, as a pure function of (state, event). Stripe delivers at least once, in any order,
 * sometimes as two events for one change, with one-second timestamps; these rules make the result the same
 * whatever the order:
 *
 * <ul>
 *   <li>Progress, not arrival, orders events: initialized &lt; requires_payment &lt; fulfillment_processing &lt;
 *       terminal (fulfillment_complete, rejected). An event applies when it moves the session forward: a higher
 *       rank, or the same status with a later {@code created}.</li>
 *   <li>Terminal states are final. A contradicting terminal event changes nothing and counts as an anomaly.</li>
 *   <li>Reaching a terminal state yields the one outcome of the session.</li>
 *   <li>Transaction details converge: an event at least as new as the state's fills and overrides them, an older
 *       one only fills fields still unknown, so a late transaction_id lands whatever the order.</li>
 *   <li>An unknown status is recorded and never moves the rank.</li>
 * </ul>
 *
 * De-duplication by event id happens before this (the topology's event-id store); this class never sees a repeat.
 *
 * <p>Not final so that a replay can run a changed rule beside production (see {@code onramp replay}).
 */
public class SessionStateMachine {
    /** History beyond this many entries keeps the newest; a session has a handful of events in practice. */
    static final int MAX_HISTORY = 64;

    /** What one event did to a session. */
    public record Transition(SessionState state, Disposition disposition, Optional<SessionOutcome> outcome) {
        public boolean isAnomaly() {
            return disposition == Disposition.CONTRADICTING_TERMINAL;
        }
    }

    public static int rank(SessionStatus status) {
        return switch (status) {
            case INITIALIZED -> 1;
            case REQUIRES_PAYMENT -> 2;
            case FULFILLMENT_PROCESSING -> 3;
            case FULFILLMENT_COMPLETE, REJECTED -> 4;
            default -> 0;
        };
    }

    public static boolean isTerminal(SessionStatus status) {
        return status == SessionStatus.FULFILLMENT_COMPLETE || status == SessionStatus.REJECTED;
    }

    /**
     * @param current the session's state, or {@code null} for its first event
     * @param now     wall-clock time of processing (when a status began, for stall detection)
     */
    public Transition apply(SessionState current, OnrampSessionEvent event, Instant now) {
        if (current == null) {
            return first(event, now);
        }
        SessionStatus status = current.getStatus();
        SessionStatus incoming = event.getStatus();
        boolean newer = event.getEventCreated().isAfter(current.getLastEventCreated());
        boolean notOlder = !event.getEventCreated().isBefore(current.getLastEventCreated());

        Disposition disposition;
        SessionState.Builder next = SessionState.newBuilder(current);
        Optional<SessionOutcome> outcome = Optional.empty();

        if (rank(incoming) == 0) {
            disposition = Disposition.UNKNOWN_STATUS;
        } else if (isTerminal(status) && isTerminal(incoming) && incoming != status) {
            disposition = Disposition.CONTRADICTING_TERMINAL;
            next.setAnomalies(current.getAnomalies() + 1);
        } else if (rank(incoming) > rank(status) && !isTerminal(status)) {
            disposition = Disposition.APPLIED;
            moveTo(next, event, now);
            next.setTransactionDetails(merge(current.getTransactionDetails(), event.getTransactionDetails(), true));
            if (isTerminal(incoming)) {
                outcome = Optional.of(outcomeOf(event, status));
                next.setOutcome(outcome.get().getOutcome()).setOutcomeAt(event.getEventCreated());
            }
        } else if (incoming == status && newer && !isTerminal(status)) {
            disposition = Disposition.APPLIED;
            next.setLastEventId(event.getEventId()).setLastEventCreated(event.getEventCreated());
            next.setTransactionDetails(merge(current.getTransactionDetails(), event.getTransactionDetails(), true));
        } else {
            // Same status (a split event, a tie, a later detail of a finished session) or an older status:
            // no status change, but details may still converge.
            boolean sameStatus = incoming == status;
            TransactionDetails merged = merge(current.getTransactionDetails(), event.getTransactionDetails(), sameStatus && notOlder);
            boolean changed = !java.util.Objects.equals(merged, current.getTransactionDetails());
            next.setTransactionDetails(merged);
            if (sameStatus && newer) {
                next.setLastEventId(event.getEventId()).setLastEventCreated(event.getEventCreated());
            }
            disposition = changed ? Disposition.DETAILS_UPDATED : Disposition.OLDER;
        }
        if (event.getKycDetailsProvided() != null && (current.getKycDetailsProvided() == null || notOlder)) {
            next.setKycDetailsProvided(event.getKycDetailsProvided());
        }
        next.setHistory(appendHistory(current.getHistory(), event, disposition));
        next.setUpdatedAt(now);
        return new Transition(next.build(), disposition, outcome);
    }

    private Transition first(OnrampSessionEvent event, Instant now) {
        boolean known = rank(event.getStatus()) > 0;
        Disposition disposition = known ? Disposition.APPLIED : Disposition.UNKNOWN_STATUS;
        SessionState.Builder state = SessionState.newBuilder()
                .setSessionId(event.getSessionId())
                .setLivemode(event.getLivemode())
                .setKycDetailsProvided(event.getKycDetailsProvided())
                .setTransactionDetails(event.getTransactionDetails())
                .setAnomalies(0)
                .setAlertsSent(0)
                .setUpdatedAt(now);
        moveTo(state, event, now);
        if (!known) {
            state.setStatus(SessionStatus.UNKNOWN);
        }
        Optional<SessionOutcome> outcome = Optional.empty();
        if (isTerminal(event.getStatus())) {
            outcome = Optional.of(outcomeOf(event, SessionStatus.UNKNOWN));
            state.setOutcome(outcome.get().getOutcome()).setOutcomeAt(event.getEventCreated());
        }
        state.setHistory(appendHistory(List.of(), event, disposition));
        return new Transition(state.build(), disposition, outcome);
    }

    private static void moveTo(SessionState.Builder state, OnrampSessionEvent event, Instant now) {
        state.setStatus(event.getStatus())
                .setStatusRaw(event.getStatusRaw())
                .setLastEventId(event.getEventId())
                .setLastEventCreated(event.getEventCreated())
                .setStatusSince(now)
                .setAlertsSent(0);
    }

    private static SessionOutcome outcomeOf(OnrampSessionEvent event, SessionStatus previous) {
        return SessionOutcome.newBuilder()
                .setSessionId(event.getSessionId())
                .setOutcome(event.getStatus() == SessionStatus.FULFILLMENT_COMPLETE ? OutcomeKind.FULFILLED : OutcomeKind.REJECTED)
                .setPreviousStatus(previous)
                .setOccurredAt(event.getEventCreated())
                .setDecidingEventId(event.getEventId())
                .setLivemode(event.getLivemode())
                .setTransactionDetails(event.getTransactionDetails())
                .build();
    }

    private static List<StatusChange> appendHistory(List<StatusChange> history, OnrampSessionEvent event, Disposition disposition) {
        List<StatusChange> next = new ArrayList<>(history.size() + 1);
        next.addAll(history.size() >= MAX_HISTORY ? history.subList(history.size() - MAX_HISTORY + 1, history.size()) : history);
        next.add(StatusChange.newBuilder()
                .setEventId(event.getEventId())
                .setStatus(event.getStatus())
                .setStatusRaw(event.getStatusRaw())
                .setEventCreated(event.getEventCreated())
                .setReceivedAt(event.getReceivedAt())
                .setDisposition(disposition)
                .build());
        return next;
    }

    /**
     * Field by field: with {@code incomingWins}, the incoming value replaces a known one; otherwise it only fills
     * a field still unknown. A null never erases a value.
     */
    static TransactionDetails merge(TransactionDetails known, TransactionDetails incoming, boolean incomingWins) {
        if (incoming == null) {
            return known;
        }
        if (known == null) {
            return incoming;
        }
        TransactionDetails.Builder merged = TransactionDetails.newBuilder(known);
        merged.setDestinationAmount(pick(known.getDestinationAmount(), incoming.getDestinationAmount(), incomingWins));
        merged.setDestinationCurrency(pick(known.getDestinationCurrency(), incoming.getDestinationCurrency(), incomingWins));
        merged.setDestinationNetwork(pick(known.getDestinationNetwork(), incoming.getDestinationNetwork(), incomingWins));
        merged.setDestinationCurrencies(pickList(known.getDestinationCurrencies(), incoming.getDestinationCurrencies(), incomingWins));
        merged.setDestinationNetworks(pickList(known.getDestinationNetworks(), incoming.getDestinationNetworks(), incomingWins));
        merged.setFees(mergeFees(known.getFees(), incoming.getFees(), incomingWins));
        merged.setLockWalletAddress(pick(known.getLockWalletAddress(), incoming.getLockWalletAddress(), incomingWins));
        merged.setSourceAmount(pick(known.getSourceAmount(), incoming.getSourceAmount(), incomingWins));
        merged.setSourceCurrency(pick(known.getSourceCurrency(), incoming.getSourceCurrency(), incomingWins));
        merged.setTransactionId(pick(known.getTransactionId(), incoming.getTransactionId(), incomingWins));
        merged.setWalletAddress(pick(known.getWalletAddress(), incoming.getWalletAddress(), incomingWins));
        merged.setWalletAddresses(incoming.getWalletAddresses().isEmpty() || (!incomingWins && !known.getWalletAddresses().isEmpty())
                ? known.getWalletAddresses() : incoming.getWalletAddresses());
        return merged.build();
    }

    private static Fees mergeFees(Fees known, Fees incoming, boolean incomingWins) {
        if (incoming == null) {
            return known;
        }
        if (known == null) {
            return incoming;
        }
        return Fees.newBuilder()
                .setNetworkFeeAmount(pick(known.getNetworkFeeAmount(), incoming.getNetworkFeeAmount(), incomingWins))
                .setTransactionFeeAmount(pick(known.getTransactionFeeAmount(), incoming.getTransactionFeeAmount(), incomingWins))
                .build();
    }

    private static <T> T pick(T known, T incoming, boolean incomingWins) {
        if (incoming == null) {
            return known;
        }
        return known == null || incomingWins ? incoming : known;
    }

    private static List<String> pickList(List<String> known, List<String> incoming, boolean incomingWins) {
        if (incoming.isEmpty()) {
            return known;
        }
        return known.isEmpty() || incomingWins ? incoming : known;
    }
}
