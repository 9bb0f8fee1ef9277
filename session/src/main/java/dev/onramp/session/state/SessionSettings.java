package dev.onramp.session.state;

import java.time.Duration;
import java.time.Instant;

import dev.onramp.schemas.SessionStatus;

/**
 * The tunable parts of the session rules.
 *
 * <p>A session that is not terminal and has no news is looked up at Stripe: first when it has been quiet in its
 * status for that status's threshold, then each time the quiet time doubles, until {@link #lookupHorizon()}; past it,
 * one last alert asks an operator and the lookups stop. Doubling keeps a session nobody finishes to a handful of
 * lookups over the horizon, while a lost webhook is found within about one threshold.
 *
 * @param dedupHorizon         how long an event id is remembered; longer than Stripe's 3-day retry window
 * @param stallThreshold       quiet time in fulfillment_processing (paid, crypto not delivered) before the first lookup
 * @param stallCheckInterval   how often (wall clock) quiet sessions are looked for
 * @param mintSilenceThreshold quiet time in initialized (minted, not opened) before the first lookup
 * @param quietThreshold       quiet time in requires_payment, or a status this version does not know, before the first lookup
 * @param lookupHorizon        quiet time after which a session is alerted PAST_FINAL_HORIZON and no longer looked up;
 *                             longer than Stripe's retry window, shorter than the retention
 * @param sessionRetention     how long a session stays in the state store after it was last heard of (ended or not);
 *                             at least the de-duplication horizon, so a late repeat still finds its session
 */
public record SessionSettings(Duration dedupHorizon, Duration stallThreshold, Duration stallCheckInterval, Duration mintSilenceThreshold,
                           Duration quietThreshold, Duration lookupHorizon, Duration sessionRetention) {
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    /** Doubling stops here, so that no lookup time overflows whatever the settings. */
    private static final int MAX_DOUBLINGS = 30;

    public SessionSettings {
        if (sessionRetention.compareTo(dedupHorizon) < 0) {
            throw new IllegalArgumentException("the session retention (" + sessionRetention
                    + ") must be at least the de-duplication horizon (" + dedupHorizon + ")");
        }
        if (lookupHorizon.compareTo(sessionRetention) >= 0) {
            throw new IllegalArgumentException("the lookup horizon (" + lookupHorizon
                    + ") must be shorter than the session retention (" + sessionRetention + "), or a quiet session leaves unannounced");
        }
        for (Duration threshold : new Duration[] {stallThreshold, mintSilenceThreshold, quietThreshold}) {
            if (threshold.isNegative() || threshold.isZero()) {
                throw new IllegalArgumentException("a quiet threshold must be positive, not " + threshold);
            }
        }
    }

    public SessionSettings(Duration dedupHorizon, Duration stallThreshold, Duration stallCheckInterval) {
        this(dedupHorizon, stallThreshold, stallCheckInterval, Duration.ofHours(1), Duration.ofHours(1), Duration.ofDays(7), DEFAULT_RETENTION);
    }

    public static SessionSettings defaults() {
        return new SessionSettings(Duration.ofDays(7), Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofDays(7), DEFAULT_RETENTION);
    }

    public SessionSettings withRetention(Duration retention) {
        return new SessionSettings(dedupHorizon, stallThreshold, stallCheckInterval, mintSilenceThreshold, quietThreshold, lookupHorizon, retention);
    }

    /** How long a session may stay quiet in {@code status} before its first lookup; terminal statuses are never looked up. */
    public Duration quietThreshold(SessionStatus status) {
        return switch (status) {
            case INITIALIZED -> mintSilenceThreshold;
            case FULFILLMENT_PROCESSING -> stallThreshold;
            default -> quietThreshold;
        };
    }

    /** When the {@code n}-th lookup (from 1) of a session quiet in {@code status} since {@code since} is due. */
    public Instant lookupDue(SessionStatus status, Instant since, int n) {
        int doublings = Math.min(Math.max(n - 1, 0), MAX_DOUBLINGS);
        return since.plus(quietThreshold(status).multipliedBy(1L << doublings));
    }
}
