package dev.onramp.notifier.deciding;

import java.time.Duration;

/** How one send attempt went, as the provider answered it. */
public sealed interface ProviderAnswer {
    /** Accepted by the provider (SMTP 250, push service 201, webhook 2xx, or written to the outbox). */
    record Sent(String providerMessageId) implements ProviderAnswer {
    }

    /**
     * Worth trying again later: connection refused or timed out, SMTP 4xx, HTTP 429 or 5xx. {@code retryAfter}:
     * how long the provider asked us to wait (its Retry-After), {@link Duration#ZERO} when it did not say.
     */
    record Transient(String reason, Duration retryAfter) implements ProviderAnswer {
        public Transient(String reason) {
            this(reason, Duration.ZERO);
        }
    }

    /** Will never work: SMTP 5xx, an address the server refuses, a payload the push service will not take. */
    record Permanent(String reason) implements ProviderAnswer {
    }

    /**
     * The address itself no longer exists (a push subscription answered 404/410, a webhook endpoint 410): not
     * retried, and not used again for any session.
     */
    record Gone(String reason) implements ProviderAnswer {
    }
}
