package dev.onramp.session.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.onramp.schemas.Disposition;
import dev.onramp.schemas.Fees;
import dev.onramp.schemas.OccurredAtSource;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.StatusChange;
import dev.onramp.schemas.TransactionDetails;
import dev.onramp.schemas.TrustedContracts;

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
 * De-duplication by event id uses the history too ({@link #isRepeat}); {@link #accept} checks it before applying.
 *
 * <p>Not final so that a replay can run a changed rule beside production (see {@code onramp replay}).
 */
public class SessionStateMachine {
    static {
        // A state or outcome built here resolves our enums by class name; they must be trusted before the first one.
        TrustedContracts.trust();
    }

    /** History beyond this many entries keeps the newest; a session has a handful of events in practice. */
    static final int MAX_HISTORY = 64;

    /** What one event did to a session. */
    public record Transition(SessionState state, Disposition disposition, Optional<SessionOutcome> outcome) {
        public boolean isAnomaly() {
            return disposition == Disposition.CONTRADICTING_TERMINAL;
        }
    }

    /**
     * One delivered event against the session's state: empty when it repeats an event id within the horizon
     * ({@link #isRepeat}), else what {@link #apply} makes of it. The processor's topology and {@code onramp replay}
     * both go through here, so a replay runs exactly the live rules.
     */
    public Optional<Transition> accept(SessionState current, OnrampSessionEvent event, Instant now, Duration dedupHorizon) {
        return isRepeat(current, event, dedupHorizon) ? Optional.empty() : Optional.of(apply(current, event, now));
    }

    /**
     * True when the session's history already holds this event id, received within {@code horizon} of this
     * delivery. The history is the de-duplication store: it lives in the session's state (so it survives restarts
     * and moves with the session's partition), and a session's events are a handful, so the check is a short scan
     * instead of a lookup and a changelog write per event in a store of its own. A repeat from beyond the horizon
     * is applied again, which the order-proof rules make harmless.
     */
    public static boolean isRepeat(SessionState current, OnrampSessionEvent event, Duration horizon) {
        if (current == null) {
            return false;
        }
        String eventId = event.getEventId();
        for (StatusChange seen : current.getHistory()) {
            if (seen.getEventId().equals(eventId)
                    && Duration.between(seen.getReceivedAt(), event.getReceivedAt()).abs().compareTo(horizon) <= 0) {
                return true;
            }
        }
        return false;
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
     * What an arriving event is to the session's current state. The ordering rules, read as a table: webhooks
     * arrive late, twice and out of order, so an event's place is decided by status rank and creation time, never
     * by arrival.
     */
    enum Arrival {
        /** A status this version does not know: recorded in the history, changes nothing. */
        UNKNOWN_STATUS,
        /** A terminal status other than the session's own: an anomaly; the first outcome stands. */
        CONTRADICTS_OUTCOME,
        /** A status of higher rank while the session is open: the session moves (and may end). */
        ADVANCES,
        /** The same open status, created later: its details win. */
        NEWER_SAME_STATUS,
        /** A tie, an older status, or a detail after the end: the status stays, details may converge. */
        CONVERGES
    }

    static Arrival classify(SessionState current, OnrampSessionEvent event) {
        SessionStatus status = current.getStatus();
        SessionStatus incoming = event.getStatus();
        if (rank(incoming) == 0) {
            return Arrival.UNKNOWN_STATUS;
        }
        if (isTerminal(status)) {
            return isTerminal(incoming) && incoming != status ? Arrival.CONTRADICTS_OUTCOME : Arrival.CONVERGES;
        }
        if (rank(incoming) > rank(status)) {
            return Arrival.ADVANCES;
        }
        boolean newer = event.getEventCreated().isAfter(current.getLastEventCreated());
        return incoming == status && newer ? Arrival.NEWER_SAME_STATUS : Arrival.CONVERGES;
    }

    /**
     * @param current the session's state, or {@code null} for its first event
     * @param now     wall-clock time of processing (when a status began, for stall detection)
     */
    public Transition apply(SessionState current, OnrampSessionEvent event, Instant now) {
        if (current == null) {
            return first(event, now);
        }
        SessionState next = copyOf(current);
        Optional<SessionOutcome> outcome = Optional.empty();
        Disposition disposition;
        switch (classify(current, event)) {
            case UNKNOWN_STATUS -> disposition = Disposition.UNKNOWN_STATUS;
            case CONTRADICTS_OUTCOME -> {
                next.setAnomalies(current.getAnomalies() + 1);
                disposition = Disposition.CONTRADICTING_TERMINAL;
            }
            case ADVANCES -> {
                outcome = advance(next, current, event, now);
                disposition = Disposition.APPLIED;
            }
            case NEWER_SAME_STATUS -> {
                next.setLastEventId(event.getEventId());
                next.setLastEventCreated(event.getEventCreated());
                next.setTransactionDetails(merge(current.getTransactionDetails(), event.getTransactionDetails(), true));
                disposition = Disposition.APPLIED;
            }
            default -> disposition = converge(next, current, event);
        }
        boolean notOlder = !event.getEventCreated().isBefore(current.getLastEventCreated());
        if (event.getKycDetailsProvided() != null && (current.getKycDetailsProvided() == null || notOlder)) {
            next.setKycDetailsProvided(event.getKycDetailsProvided());
        }
        next.setHistory(appendHistory(current.getHistory(), event, disposition));
        next.setUpdatedAt(now);
        return new Transition(next, disposition, outcome);
    }

    private static Optional<SessionOutcome> advance(SessionState next, SessionState current, OnrampSessionEvent event, Instant now) {
        moveTo(next, event, now);
        next.setTransactionDetails(merge(current.getTransactionDetails(), event.getTransactionDetails(), true));
        if (!isTerminal(event.getStatus())) {
            return Optional.empty();
        }
        SessionOutcome outcome = outcomeOf(event, current.getStatus());
        next.setOutcome(outcome.getOutcome());
        next.setOutcomeAt(outcome.getOccurredAt());
        return Optional.of(outcome);
    }

    /** No status change; details from an event of the same status that is not older win, others only fill gaps. */
    private static Disposition converge(SessionState next, SessionState current, OnrampSessionEvent event) {
        boolean sameStatus = event.getStatus() == current.getStatus();
        boolean notOlder = !event.getEventCreated().isBefore(current.getLastEventCreated());
        TransactionDetails merged = merge(current.getTransactionDetails(), event.getTransactionDetails(), sameStatus && notOlder);
        next.setTransactionDetails(merged);
        if (sameStatus && event.getEventCreated().isAfter(current.getLastEventCreated())) {
            next.setLastEventId(event.getEventId());
            next.setLastEventCreated(event.getEventCreated());
        }
        return Objects.equals(merged, current.getTransactionDetails()) ? Disposition.OLDER : Disposition.DETAILS_UPDATED;
    }

    private Transition first(OnrampSessionEvent event, Instant now) {
        boolean known = rank(event.getStatus()) > 0;
        Disposition disposition = known ? Disposition.APPLIED : Disposition.UNKNOWN_STATUS;
        // The fields a later status also sets are set by moveTo, as then; the builder would validate every field on
        // every new session. Each field without a null, zero or empty default is set here or there.
        SessionState state = new SessionState();
        state.setSessionId(event.getSessionId());
        state.setLivemode(event.getLivemode());
        state.setKycDetailsProvided(event.getKycDetailsProvided());
        state.setTransactionDetails(event.getTransactionDetails());
        state.setHistory(appendHistory(List.of(), event, disposition));
        state.setUpdatedAt(now);
        moveTo(state, event, now);
        if (!known) {
            state.setStatus(SessionStatus.UNKNOWN);
        }
        Optional<SessionOutcome> outcome = Optional.empty();
        if (isTerminal(event.getStatus())) {
            outcome = Optional.of(outcomeOf(event, SessionStatus.UNKNOWN));
            state.setOutcome(outcome.get().getOutcome());
            state.setOutcomeAt(outcome.get().getOccurredAt());
        }
        return new Transition(state, disposition, outcome);
    }

    /**
     * A new state object holding the state's own field values. {@code SessionState.newBuilder(state)} would
     * deep-copy every field, the history included, and validate each on every event; states are never mutated
     * once a transition returns them, so sharing the values is safe.
     */
    static SessionState copyOf(SessionState s) {
        return new SessionState(s.getSessionId(), s.getStatus(), s.getStatusRaw(), s.getLastEventId(),
                s.getLastEventCreated(), s.getStatusSince(), s.getLivemode(), s.getKycDetailsProvided(),
                s.getTransactionDetails(), s.getHistory(), s.getOutcome(), s.getOutcomeAt(), s.getAnomalies(),
                s.getAlertsSent(), s.getUpdatedAt());
    }

    private static void moveTo(SessionState state, OnrampSessionEvent event, Instant now) {
        state.setStatus(event.getStatus());
        state.setStatusRaw(event.getStatusRaw());
        state.setLastEventId(event.getEventId());
        state.setLastEventCreated(event.getEventCreated());
        state.setStatusSince(now);
        state.setAlertsSent(0);
    }

    /**
     * The outcome an ending event decides. Its time is when Stripe says the session ended: a webhook event's
     * {@code created}; for a lookup (which orders by the session's creation, so it never outranks a webhook), the
     * time Stripe answered, since Stripe's session object holds no time of its status.
     */
    private static SessionOutcome outcomeOf(OnrampSessionEvent event, SessionStatus previous) {
        boolean lookedUp = event.getStatusObservedAt() != null;
        return SessionOutcome.newBuilder()
                .setSessionId(event.getSessionId())
                .setOutcome(event.getStatus() == SessionStatus.FULFILLMENT_COMPLETE ? OutcomeKind.FULFILLED : OutcomeKind.REJECTED)
                .setPreviousStatus(previous)
                .setOccurredAt(lookedUp ? event.getStatusObservedAt() : event.getEventCreated())
                .setOccurredAtSource(lookedUp ? OccurredAtSource.STRIPE_LOOKUP : OccurredAtSource.STRIPE_EVENT_CREATED)
                .setDecidingEventId(event.getEventId())
                .setLivemode(event.getLivemode())
                .setTransactionDetails(event.getTransactionDetails())
                .build();
    }

    private static List<StatusChange> appendHistory(List<StatusChange> history, OnrampSessionEvent event, Disposition disposition) {
        List<StatusChange> next = new ArrayList<>(history.size() + 1);
        next.addAll(history.size() >= MAX_HISTORY ? history.subList(history.size() - MAX_HISTORY + 1, history.size()) : history);
        next.add(new StatusChange(event.getEventId(), event.getStatus(), event.getStatusRaw(), event.getEventCreated(),
                event.getReceivedAt(), disposition));
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
        // The all-args constructor: the builder would deep-copy `known` and validate every field, on every event.
        return new TransactionDetails(
                pick(known.getDestinationAmount(), incoming.getDestinationAmount(), incomingWins),
                pick(known.getDestinationCurrency(), incoming.getDestinationCurrency(), incomingWins),
                pick(known.getDestinationNetwork(), incoming.getDestinationNetwork(), incomingWins),
                pickList(known.getDestinationCurrencies(), incoming.getDestinationCurrencies(), incomingWins),
                pickList(known.getDestinationNetworks(), incoming.getDestinationNetworks(), incomingWins),
                mergeFees(known.getFees(), incoming.getFees(), incomingWins),
                pick(known.getLockWalletAddress(), incoming.getLockWalletAddress(), incomingWins),
                pick(known.getSourceAmount(), incoming.getSourceAmount(), incomingWins),
                pick(known.getSourceCurrency(), incoming.getSourceCurrency(), incomingWins),
                pick(known.getTransactionId(), incoming.getTransactionId(), incomingWins),
                pick(known.getWalletAddress(), incoming.getWalletAddress(), incomingWins),
                keepKnownWallets(known, incoming, incomingWins) ? known.getWalletAddresses() : incoming.getWalletAddresses());
    }

    /** An empty list says nothing new; a non-empty one replaces what is known only when the incoming event wins. */
    private static boolean keepKnownWallets(TransactionDetails known, TransactionDetails incoming, boolean incomingWins) {
        return incoming.getWalletAddresses().isEmpty() || !incomingWins && !known.getWalletAddresses().isEmpty();
    }

    private static Fees mergeFees(Fees known, Fees incoming, boolean incomingWins) {
        if (incoming == null) {
            return known;
        }
        if (known == null) {
            return incoming;
        }
        return new Fees(pick(known.getNetworkFeeAmount(), incoming.getNetworkFeeAmount(), incomingWins),
                pick(known.getTransactionFeeAmount(), incoming.getTransactionFeeAmount(), incomingWins));
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
