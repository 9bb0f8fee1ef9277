package dev.onramp.devtools;

import java.util.Optional;

/**
 * What `simulate` says when it sent well below the rate it was asked for: the latencies it prints are then of a
 * lighter load than the user meant to measure, and the likely cause is too few connections (each one waits for
 * ingest's answer before it sends its next webhook).
 */
final class RateShortfall {
    /** Below this share of the rate asked for, the run says so. */
    static final double REACHED = 0.9;

    private RateShortfall() {
    }

    /** {@code retried}: deliveries ingest refused or did not answer, which then waited to be tried again. */
    static Optional<String> of(double asked, double sent, int concurrency, long retried) {
        if (asked <= 0 || sent >= asked * REACHED) {
            return Optional.empty();
        }
        if (retried > 0) {
            return Optional.of(String.format("WARNING: asked for %.0f webhooks/s but sent %.0f/s (%.0f %%): %d deliveries were refused"
                    + " or not answered by ingest and waited to be tried again (an outage, or a pipeline that could not keep up)",
                    asked, sent, 100 * sent / asked, retried));
        }
        return Optional.of(String.format("WARNING: asked for %.0f webhooks/s but sent %.0f/s (%.0f %%): each of the %d connections"
                + " waits for ingest's answer before its next webhook, so they carried at most %.0f/s each; run again with"
                + " --concurrency %d or more, or a lower --rate", asked, sent, 100 * sent / asked, concurrency, sent / concurrency,
                (int) Math.ceil(concurrency * asked / Math.max(1, sent))));
    }
}
