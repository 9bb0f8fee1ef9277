package dev.onramp.ingest.webhook;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.onramp.schemas.Sha256;

/**
 * Stripe's webhook signature rules: the header {@code t=<unix s>,v1=<hex>[,v1=...][,v0=...]}, HMAC-SHA256 over
 * {@code "{t}.{body}"}, only v1 counts, any matching v1 passes, constant-time comparison, timestamps older than the
 * tolerance refused. Besides those: several secrets at once (rotation), timestamps in the future refused, a tolerance
 * that can never be 0, and a strict UTF-8 check of the raw bytes once they are known to be Stripe's.
 *
 * <p>The HMAC is the JDK's, over the bytes as received, with a keyed {@link Mac} per thread and secret; not
 * stripe-java's {@code Webhook.Signature.verifyHeader}, which takes the body as a String (a decode, a concatenation
 * and an encode of every body) and looks a Mac up and keys it on every call. Its header rules are kept exactly: the
 * tests run every header of a corpus through both and expect the same answer.
 */
public final class SignatureVerifier {
    private static final String HMAC = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<Utf8Check> UTF8_CHECK = ThreadLocal.withInitial(Utf8Check::new);

    private final List<byte[]> secrets;
    private final List<String> labels;
    private final Duration tolerance;
    private final Clock clock;
    private final ThreadLocal<Mac[]> macs;

    public SignatureVerifier(List<String> secrets, Duration tolerance, Clock clock) {
        if (secrets.isEmpty() || secrets.stream().anyMatch(s -> s == null || s.isBlank())) {
            throw new IllegalArgumentException("at least one non-empty webhook endpoint secret is required");
        }
        if (tolerance.isNegative() || tolerance.toSeconds() < 1) {
            throw new IllegalArgumentException("signature tolerance must be at least one second, not " + tolerance);
        }
        this.secrets = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.labels = secrets.stream().map(SignatureVerifier::fingerprint).toList();
        this.tolerance = tolerance;
        this.clock = clock;
        this.macs = ThreadLocal.withInitial(this::keyedMacs);
    }

    public Verification verify(byte[] body, String header) throws SignatureRejected {
        if (header == null || header.isBlank()) {
            throw new SignatureRejected(SignatureFailure.MISSING_HEADER);
        }
        SignatureHeader parsed = SignatureHeader.parse(header);
        if (parsed.v1().isEmpty()) {
            throw new SignatureRejected(SignatureFailure.MALFORMED_HEADER);
        }
        long now = clock.millis() / 1000;
        byte[] signedPrefix = (parsed.timestamp() + ".").getBytes(StandardCharsets.US_ASCII);
        Mac[] keyed = macs.get();
        SignatureFailure failure = SignatureFailure.NO_MATCHING_SIGNATURE;
        for (int i = 0; i < keyed.length; i++) {
            keyed[i].update(signedPrefix);
            byte[] expected = HEX.formatHex(keyed[i].doFinal(body)).getBytes(StandardCharsets.US_ASCII);
            if (!parsed.anyV1Equals(expected)) {
                continue;
            }
            // A stale signature that matches one secret says more than a mismatch against another.
            if (parsed.timestamp() < now - tolerance.toSeconds()) {
                failure = SignatureFailure.STALE_TIMESTAMP;
                continue;
            }
            if (parsed.timestamp() > now + tolerance.toSeconds()) {
                throw new SignatureRejected(SignatureFailure.FUTURE_TIMESTAMP);
            }
            // Only a body Stripe signed is examined any further.
            requireUtf8(body);
            return new Verification(parsed.timestamp(), (i + 1) + ":" + labels.get(i));
        }
        throw new SignatureRejected(failure);
    }

    /**
     * The header's one {@code t} and its {@code v1} signatures, read as stripe-java reads them: items split at commas,
     * each at its first {@code =}, no trimming. One thing stricter: a second {@code t}, in any spelling, is refused,
     * so the HMAC and the tolerance cannot read different timestamps.
     */
    record SignatureHeader(long timestamp, List<byte[]> v1) {
        static SignatureHeader parse(String header) throws SignatureRejected {
            long timestamp = -1;
            boolean seen = false;
            List<byte[]> v1 = new ArrayList<>(1);
            for (String item : header.split(",", -1)) {
                int eq = item.indexOf('=');
                String key = eq < 0 ? item : item.substring(0, eq);
                if (key.strip().equals("t")) {
                    if (seen || eq < 0 || !key.equals("t")) {
                        throw new SignatureRejected(SignatureFailure.MALFORMED_HEADER);
                    }
                    seen = true;
                    timestamp = parseTimestamp(item.substring(eq + 1));
                } else if (key.equals("v1")) {
                    if (eq < 0) {
                        throw new SignatureRejected(SignatureFailure.MALFORMED_HEADER);
                    }
                    v1.add(item.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
                }
            }
            if (timestamp <= 0) {
                throw new SignatureRejected(SignatureFailure.MALFORMED_HEADER);
            }
            return new SignatureHeader(timestamp, v1);
        }

        private static long parseTimestamp(String text) throws SignatureRejected {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new SignatureRejected(SignatureFailure.MALFORMED_HEADER);
            }
        }

        /** Compares every candidate in constant time, so the answer's timing says nothing about which came close. */
        boolean anyV1Equals(byte[] expected) {
            boolean any = false;
            for (byte[] candidate : v1) {
                any |= MessageDigest.isEqual(expected, candidate);
            }
            return any;
        }
    }

    private Mac[] keyedMacs() {
        Mac[] keyed = new Mac[secrets.size()];
        try {
            for (int i = 0; i < keyed.length; i++) {
                keyed[i] = Mac.getInstance(HMAC);
                keyed[i].init(new SecretKeySpec(secrets.get(i), HMAC));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + HMAC, e);
        }
        return keyed;
    }

    private static void requireUtf8(byte[] body) throws SignatureRejected {
        if (!UTF8_CHECK.get().accepts(body)) {
            throw new SignatureRejected(SignatureFailure.BODY_NOT_UTF8);
        }
    }

    /** How many chars a thread's UTF-8 check holds, whatever the bodies it has checked. */
    static int utf8BufferChars() {
        return UTF8_CHECK.get().chars.capacity();
    }

    /**
     * A strict decoder and a small buffer it decodes into, per thread. The check needs only the verdict, so the body
     * is decoded a chunk at a time into the same buffer: a thread holds {@link #CHUNK} chars, not a copy of the
     * largest body it has seen.
     */
    private static final class Utf8Check {
        static final int CHUNK = 8192;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final CharBuffer chars = CharBuffer.allocate(CHUNK);

        boolean accepts(byte[] body) {
            decoder.reset();
            ByteBuffer bytes = ByteBuffer.wrap(body);
            CoderResult result;
            do {
                chars.clear();
                result = decoder.decode(bytes, chars, true);
            } while (result.isOverflow());
            if (result.isError()) {
                return false;
            }
            do {
                chars.clear();
                result = decoder.flush(chars);
            } while (result.isOverflow());
            return !result.isError();
        }
    }

    static String fingerprint(String secret) {
        return HexFormat.of().formatHex(Sha256.of(secret), 0, 4);
    }
}
