package dev.onramp.processor.session;

import java.time.Duration;

/**
 * The tunable parts of the session rules.
 *
 * @param dedupHorizon       how long an event id is remembered; longer than Stripe's 3-day retry window
 * @param stallThreshold     time in fulfillment_processing before the first alert; each further multiple alerts again
 * @param stallCheckInterval how often (wall clock) stalled sessions are looked for
 */
public record SessionRules(Duration dedupHorizon, Duration stallThreshold, Duration stallCheckInterval) {
    public static SessionRules defaults() {
        return new SessionRules(Duration.ofDays(7), Duration.ofMinutes(30), Duration.ofMinutes(1));
    }
}
