package dev.onramp.ingest.webhook;

import java.time.Instant;

/** What is known of one verified delivery besides its body: it travels with the body into every record written. */
public record Delivery(String bodySha256, String signatureHeader, String verifiedBy, Instant receivedAt) {
}
