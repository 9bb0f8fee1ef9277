package dev.onramp.ingest.webhook;

/**
 * A verified delivery: its signature's timestamp and which endpoint secret verified it, named by its position in
 * {@code STRIPE_WEBHOOK_SECRETS} and a fingerprint (the first 8 hex digits of its SHA-256), never the secret.
 */
public record Verification(long timestamp, String verifiedBy) {
}
