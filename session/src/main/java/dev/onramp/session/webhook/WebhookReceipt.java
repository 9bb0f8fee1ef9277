package dev.onramp.session.webhook;

import java.time.Instant;

/** What is known of one verified webhook besides its body: it travels with the body into every record written. */
public record WebhookReceipt(String bodySha256, String signatureHeader, String verifiedBy, Instant receivedAt) {
}
