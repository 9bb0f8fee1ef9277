package dev.onramp.ingest.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;

/**
 * Stripe's webhook signature rules. The HMAC check itself is stripe-java's {@code Webhook.Signature}: the header
 * {@code t=<unix s>,v1=<hex>[,v1=...][,v0=...]}, HMAC-SHA256 over {@code "{t}.{body}"}, only v1 counts, any matching
 * v1 passes, constant-time comparison, timestamps older than the tolerance refused.
 *
 * <p>What this class adds, because stripe-java does not do it: several secrets at once (rotation), refusing
 * timestamps in the future, a tolerance that can never be 0 (stripe-java then skips the check), and a strict
 * UTF-8 decode of the raw bytes, so that what is verified is exactly the bytes received.
 */
public final class SignatureVerifier {
    private static final String STRIPE_STALE = "Timestamp outside the tolerance zone";

    private final List<String> secrets;
    private final List<String> labels;
    private final Duration tolerance;
    private final Clock clock;

    public SignatureVerifier(List<String> secrets, Duration tolerance, Clock clock) {
        if (secrets.isEmpty() || secrets.stream().anyMatch(s -> s == null || s.isBlank())) {
            throw new IllegalArgumentException("at least one non-empty webhook endpoint secret is required");
        }
        if (tolerance.isNegative() || tolerance.toSeconds() < 1) {
            throw new IllegalArgumentException("signature tolerance must be at least one second, not " + tolerance);
        }
        this.secrets = List.copyOf(secrets);
        this.labels = secrets.stream().map(SignatureVerifier::fingerprint).toList();
        this.tolerance = tolerance;
        this.clock = clock;
    }

    public Verification verify(byte[] body, String header) throws SignatureRejected {
        if (header == null || header.isBlank()) {
            throw new SignatureRejected(SignatureFailure.MISSING_HEADER);
        }
        // One timestamp decides both the HMAC and the tolerance: a header with two may not be read one way by
        // stripe-java and another way here.
        long timestamp = onlyTimestampOf(header);
        String text = strictUtf8(body);
        SignatureFailure failure = SignatureFailure.NO_MATCHING_SIGNATURE;
        for (int i = 0; i < secrets.size(); i++) {
            try {
                Webhook.Signature.verifyHeader(text, header, secrets.get(i), tolerance.toSeconds(), clock);
                if (timestamp > clock.millis() / 1000 + tolerance.toSeconds()) {
                    throw new SignatureRejected(SignatureFailure.FUTURE_TIMESTAMP);
                }
                return new Verification(text, timestamp, (i + 1) + ":" + labels.get(i));
            } catch (SignatureVerificationException e) {
                failure = worst(failure, classify(e));
            } catch (RuntimeException garbled) {
                // stripe-java lets a non-numeric timestamp escape as NumberFormatException.
                failure = worst(failure, SignatureFailure.MALFORMED_HEADER);
            }
        }
        throw new SignatureRejected(failure);
    }

    private static SignatureFailure classify(SignatureVerificationException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith(STRIPE_STALE)) {
            return SignatureFailure.STALE_TIMESTAMP;
        }
        if (message.startsWith("Unable to extract") || message.startsWith("No signatures found with expected scheme")) {
            return SignatureFailure.MALFORMED_HEADER;
        }
        return SignatureFailure.NO_MATCHING_SIGNATURE;
    }

    /** A stale signature that matched one secret says more than a mismatch against another. */
    private static SignatureFailure worst(SignatureFailure so, SignatureFailure now) {
        return now == SignatureFailure.NO_MATCHING_SIGNATURE ? so : now;
    }

    /** The header's one {@code t}; none, several, or one that is not a number is a malformed header. */
    private static long onlyTimestampOf(String header) throws SignatureRejected {
        Long timestamp = null;
        for (String item : header.split(",")) {
            String[] kv = item.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                if (timestamp != null) {
                    throw new SignatureRejected(SignatureFailure.MALFORMED_HEADER);
                }
                try {
                    timestamp = Long.parseLong(kv[1].trim());
                } catch (NumberFormatException e) {
                    throw new SignatureRejected(SignatureFailure.MALFORMED_HEADER);
                }
            }
        }
        if (timestamp == null) {
            throw new SignatureRejected(SignatureFailure.MALFORMED_HEADER);
        }
        return timestamp;
    }

    private static String strictUtf8(byte[] body) throws SignatureRejected {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SignatureRejected(SignatureFailure.BODY_NOT_UTF8);
        }
    }

    static String fingerprint(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
