package dev.onramp.ingest.webhook;

/** Why a delivery was refused before anything was written. Each is a 400 and a metric label. */
public enum SignatureFailure {
    MISSING_HEADER("missing_signature", "the Stripe-Signature header is missing"),
    MALFORMED_HEADER("malformed_signature", "the Stripe-Signature header has no timestamp or no v1 signature"),
    NO_MATCHING_SIGNATURE("signature_mismatch", "no v1 signature matches the body for any configured endpoint secret"),
    STALE_TIMESTAMP("timestamp_too_old", "the signature timestamp is older than the tolerance"),
    FUTURE_TIMESTAMP("timestamp_in_future", "the signature timestamp is further in the future than the tolerance"),
    BODY_NOT_UTF8("body_not_utf8", "the body is not UTF-8, so it cannot be a Stripe event");

    private final String code;
    private final String message;

    SignatureFailure(String code, String message) {
        this.code = code;
        this.message = message;
    }

    public String code() {
        return code;
    }

    public String message() {
        return message;
    }
}
