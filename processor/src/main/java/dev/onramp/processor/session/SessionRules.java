package dev.onramp.processor.session;

import java.time.Duration;

/**
 * The tunable parts of the session rules.
 *
 * @param dedupHorizon       how long an event id is remembered; longer than Stripe's 3-day retry window
 * @param stallThreshold     time in fulfillment_processing before the first alert; each further multiple alerts again
 * @param stallCheckInterval how often (wall clock) stalled sessions are looked for
 * @param mintSilenceThreshold time a minted session may stay initialized with no word from Stripe before it is looked
 *                           up (alert SILENT_SINCE_MINTED), again at each further multiple, {@link #MINT_SILENCE_ALERTS}
 *                           times at most
 * @param sessionRetention   how long a session stays in the state store after it was last heard of (ended or not);
 *                           at least the de-duplication horizon, so a late repeat still finds its session
 */
public record SessionRules(Duration dedupHorizon, Duration stallThreshold, Duration stallCheckInterval, Duration mintSilenceThreshold,
                           Duration sessionRetention) {
    /** A minted session nobody opens stays initialized for good: it is looked up this many times, then left. */
    public static final int MINT_SILENCE_ALERTS = 3;
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

    public SessionRules {
        if (sessionRetention.compareTo(dedupHorizon) < 0) {
            throw new IllegalArgumentException("the session retention (" + sessionRetention
                    + ") must be at least the de-duplication horizon (" + dedupHorizon + ")");
        }
    }

    public SessionRules(Duration dedupHorizon, Duration stallThreshold, Duration stallCheckInterval) {
        this(dedupHorizon, stallThreshold, stallCheckInterval, Duration.ofHours(1), DEFAULT_RETENTION);
    }

    public static SessionRules defaults() {
        return new SessionRules(Duration.ofDays(7), Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofHours(1), DEFAULT_RETENTION);
    }

    public SessionRules withRetention(Duration retention) {
        return new SessionRules(dedupHorizon, stallThreshold, stallCheckInterval, mintSilenceThreshold, retention);
    }
}
