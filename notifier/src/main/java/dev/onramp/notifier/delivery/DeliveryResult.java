package dev.onramp.notifier.delivery;

/** How one delivery attempt went. */
public sealed interface DeliveryResult {
    /** Accepted by the provider (SMTP 250, or written to the outbox). */
    record Sent(String providerMessageId) implements DeliveryResult {
    }

    /** Worth trying again later: connection refused or timed out, SMTP 4xx. */
    record Transient(String reason) implements DeliveryResult {
    }

    /** Will never work: SMTP 5xx, an address the server refuses. */
    record Permanent(String reason) implements DeliveryResult {
    }
}
