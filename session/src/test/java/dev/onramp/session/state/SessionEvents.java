package dev.onramp.session.state;

import java.time.Instant;
import java.util.Locale;

import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.TransactionDetails;
import dev.onramp.schemas.TrustedContracts;

/** Session events as ingest maps them, on a fixed clock: what the session rules' and the topology's tests feed in. */
public final class SessionEvents {
    /** The instant every event's second counts from. */
    public static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

    static {
        // The events built here resolve our enums by class name; they must be trusted before the first one.
        TrustedContracts.trust();
    }

    private SessionEvents() {
    }

    public static OnrampSessionEvent event(String eventId, String sessionId, SessionStatus status, long createdSecond) {
        return event(eventId, sessionId, status, status.name().toLowerCase(Locale.ROOT), createdSecond, null);
    }

    /** An event created and received {@code createdSecond} after {@link #START}. */
    public static OnrampSessionEvent event(String eventId, String sessionId, SessionStatus status, String statusRaw,
                                           long createdSecond, String transactionId) {
        return OnrampSessionEvent.newBuilder()
                .setEventId(eventId)
                .setEventType("crypto.onramp_session_updated")
                .setEventCreated(START.plusSeconds(createdSecond))
                .setSessionId(sessionId)
                .setStatus(status)
                .setStatusRaw(statusRaw)
                .setTransactionDetails(TransactionDetails.newBuilder()
                        .setDestinationAmount("0.5").setDestinationCurrency("eth").setDestinationNetwork("ethereum")
                        .setSourceAmount("1500.00").setSourceCurrency("usd")
                        .setTransactionId(transactionId)
                        .build())
                .setReceivedAt(START.plusSeconds(createdSecond))
                .build();
    }
}
