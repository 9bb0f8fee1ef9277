package dev.onramp.notifier.deciding;

import java.time.Duration;

/**
 * @param retryInitialDelay  first backoff; each retry doubles it (with jitter) up to {@code retryMaxDelay}
 * @param retryWindow        how long after the first attempt a notification is still retried
 * @param retryCheckInterval how often (wall clock) due retries are looked for
 * @param notifyWindow       how long after an outcome a newly registered recipient is still told
 */
public record NotifierSettings(Duration retryInitialDelay, Duration retryMaxDelay, Duration retryWindow,
                            Duration retryCheckInterval, Duration notifyWindow) {
    public static NotifierSettings defaults() {
        return new NotifierSettings(Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofHours(24),
                Duration.ofSeconds(1), Duration.ofDays(30));
    }
}
