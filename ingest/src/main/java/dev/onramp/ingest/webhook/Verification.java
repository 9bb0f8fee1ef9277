package dev.onramp.ingest.webhook;

/**
 * A verified delivery: the body as text (it is UTF-8) and which endpoint secret verified it, named by its position in
 * {@code STRIPE_WEBHOOK_SECRETS} and a fingerprint (the first 8 hex digits of its SHA-256), never the secret.
 */
public record Verification(String body, long timestamp, String verifiedBy) {
}
