package dev.onramp.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import dev.onramp.devstack.stripe.WebhookSigner;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {
    private static final String OLD = "whsec_old_0123456789abcdef";
    private static final String NEW = "whsec_new_fedcba9876543210";
    private static final long NOW = 1_700_000_000L;
    private static final String BODY = "{\"id\":\"evt_1\",\"type\":\"crypto.onramp_session_updated\"}";

    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private final SignatureVerifier rotating = new SignatureVerifier(List.of(OLD, NEW), Duration.ofSeconds(300), clock);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eitherSecretVerifiesDuringARotationAndSaysWhich() throws SignatureRejected {
        Verification byOld = rotating.verify(bytes(BODY), WebhookSigner.header(OLD, NOW, BODY));
        Verification byNew = rotating.verify(bytes(BODY), WebhookSigner.header(NEW, NOW, BODY));
        assertThat(byOld.verifiedBy()).startsWith("1:").doesNotContain(OLD);
        assertThat(byNew.verifiedBy()).startsWith("2:").doesNotContain(NEW);
        assertThat(byOld.verifiedBy()).isNotEqualTo(byNew.verifiedBy());
    }

    @Test
    void anyMatchingV1AmongSeveralPasses() throws SignatureRejected {
        String header = "t=" + NOW + ",v1=" + WebhookSigner.v1("whsec_someone_else", NOW, BODY)
                + ",v1=" + WebhookSigner.v1(NEW, NOW, BODY);
        assertThat(rotating.verify(bytes(BODY), header).verifiedBy()).startsWith("2:");
    }

    @Test
    void aV0SignatureIsIgnoredEvenWhenItMatches() {
        String header = "t=" + NOW + ",v0=" + WebhookSigner.v1(NEW, NOW, BODY);
        assertThatThrownBy(() -> rotating.verify(bytes(BODY), header))
                .isInstanceOfSatisfying(SignatureRejected.class,
                        e -> assertThat(e.failure()).isEqualTo(SignatureFailure.MALFORMED_HEADER));
        String withBadV1 = header + ",v1=" + "00".repeat(32);
        assertThatThrownBy(() -> rotating.verify(bytes(BODY), withBadV1))
                .isInstanceOfSatisfying(SignatureRejected.class,
                        e -> assertThat(e.failure()).isEqualTo(SignatureFailure.NO_MATCHING_SIGNATURE));
    }

    @Test
    void staleTimestampsAreRefusedAtTheTolerance() throws SignatureRejected {
        long edge = NOW - 300;
        assertThat(rotating.verify(bytes(BODY), WebhookSigner.header(NEW, edge, BODY))).isNotNull();
        long stale = NOW - 301;
        assertThatThrownBy(() -> rotating.verify(bytes(BODY), WebhookSigner.header(NEW, stale, BODY)))
                .isInstanceOfSatisfying(SignatureRejected.class,
                        e -> assertThat(e.failure()).isEqualTo(SignatureFailure.STALE_TIMESTAMP));
    }

    @Test
    void futureTimestampsBeyondTheToleranceAreRefused() throws SignatureRejected {
        assertThat(rotating.verify(bytes(BODY), WebhookSigner.header(NEW, NOW + 300, BODY))).isNotNull();
        assertThatThrownBy(() -> rotating.verify(bytes(BODY), WebhookSigner.header(NEW, NOW + 301, BODY)))
                .isInstanceOfSatisfying(SignatureRejected.class,
                        e -> assertThat(e.failure()).isEqualTo(SignatureFailure.FUTURE_TIMESTAMP));
    }

    @Test
    void garbledHeadersAreMalformed() {
        for (String header : List.of("garbage", "t=,v1=", "v1=abc", "t=notanumber,v1=abc", "t=" + NOW, ",,,")) {
            assertThatThrownBy(() -> rotating.verify(bytes(BODY), header)).as(header)
                    .isInstanceOfSatisfying(SignatureRejected.class,
                            e -> assertThat(e.failure()).isEqualTo(SignatureFailure.MALFORMED_HEADER));
        }
    }

    @Test
    void aHeaderWithTwoTimestampsIsMalformedWhicheverOneTheSignatureUses() {
        String signedNow = WebhookSigner.header(NEW, NOW, BODY);
        String v1 = signedNow.substring(signedNow.indexOf(",v1=") + 1);
        for (String header : List.of("t=" + (NOW - 3_600) + ",t=" + NOW + "," + v1, "t=" + NOW + ",t=" + (NOW + 3_600) + "," + v1,
                "t=" + NOW + "," + v1 + ",t=" + NOW)) {
            assertThatThrownBy(() -> rotating.verify(bytes(BODY), header)).as(header)
                    .isInstanceOfSatisfying(SignatureRejected.class,
                            e -> assertThat(e.failure()).isEqualTo(SignatureFailure.MALFORMED_HEADER));
        }
    }

    @Test
    void aMissingHeaderIsRefused() {
        assertThatThrownBy(() -> rotating.verify(bytes(BODY), null))
                .isInstanceOfSatisfying(SignatureRejected.class,
                        e -> assertThat(e.failure()).isEqualTo(SignatureFailure.MISSING_HEADER));
        assertThatThrownBy(() -> rotating.verify(bytes(BODY), " "))
                .isInstanceOfSatisfying(SignatureRejected.class,
                        e -> assertThat(e.failure()).isEqualTo(SignatureFailure.MISSING_HEADER));
    }

    @Test
    void aBodyChangedByOneByteNoLongerVerifies() {
        String header = WebhookSigner.header(NEW, NOW, BODY);
        byte[] changed = bytes(BODY);
        changed[10] ^= 1;
        assertThatThrownBy(() -> rotating.verify(changed, header))
                .isInstanceOfSatisfying(SignatureRejected.class,
                        e -> assertThat(e.failure()).isEqualTo(SignatureFailure.NO_MATCHING_SIGNATURE));
        byte[] longer = bytes(BODY + " ");
        assertThatThrownBy(() -> rotating.verify(longer, header)).isInstanceOf(SignatureRejected.class);
    }

    @Test
    void theRawBytesAreVerifiedIncludingNonAsciiText() throws Exception {
        String body = "{\"id\":\"evt_ü\",\"note\":\"caf\u00e9 \u2603\"}";
        assertThat(rotating.verify(bytes(body), WebhookSigner.header(NEW, NOW, body)).verifiedBy()).startsWith("2:");
        byte[] notUtf8 = {'{', (byte) 0xC3, '}'};
        assertThatThrownBy(() -> rotating.verify(notUtf8, signedBytes(NEW, notUtf8)))
                .isInstanceOfSatisfying(SignatureRejected.class,
                        e -> assertThat(e.failure()).isEqualTo(SignatureFailure.BODY_NOT_UTF8));
        assertThatThrownBy(() -> rotating.verify(notUtf8, "t=" + NOW + ",v1=00")).as("nothing of an unsigned body is examined")
                .isInstanceOfSatisfying(SignatureRejected.class,
                        e -> assertThat(e.failure()).isEqualTo(SignatureFailure.NO_MATCHING_SIGNATURE));
    }

    @Test
    void aThreadHoldsASmallBufferWhateverTheBodiesItChecked() throws SignatureRejected {
        String large = "{\"note\":\"" + "\u00e9".repeat(200_000) + "\"}";
        assertThat(rotating.verify(bytes(large), WebhookSigner.header(NEW, NOW, large)).verifiedBy()).startsWith("2:");
        assertThat(SignatureVerifier.utf8BufferChars()).isLessThanOrEqualTo(8192);
    }

    @Test
    void theUtf8CheckJudgesEachBodyAloneWhateverCameBefore() throws Exception {
        // One decoder and buffer per thread: a large body, a truncated sequence and a lone surrogate must not
        // leave state that changes the verdict on the next body.
        String large = "{\"note\":\"" + "\u00e9".repeat(20_000) + "\"}";
        assertThat(rotating.verify(bytes(large), WebhookSigner.header(NEW, NOW, large)).verifiedBy()).startsWith("2:");
        byte[] truncated = {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x98};
        byte[] surrogate = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
        byte[] overlong = {'"', (byte) 0xC0, (byte) 0xAF, '"'};
        for (byte[] bad : List.of(truncated, surrogate, overlong)) {
            assertThatThrownBy(() -> rotating.verify(bad, signedBytes(NEW, bad)))
                    .isInstanceOfSatisfying(SignatureRejected.class,
                            e -> assertThat(e.failure()).isEqualTo(SignatureFailure.BODY_NOT_UTF8));
            assertThat(rotating.verify(bytes(BODY), WebhookSigner.header(OLD, NOW, BODY)).verifiedBy()).startsWith("1:");
        }
    }

    @Test
    void aToleranceOfZeroIsRefusedBecauseItWouldDisableTheCheck() {
        assertThatThrownBy(() -> new SignatureVerifier(List.of(NEW), Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SignatureVerifier(List.of(), Duration.ofSeconds(300), clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSecretNeverAppearsInAFailure() {
        try {
            rotating.verify(bytes(BODY), "t=" + NOW + ",v1=" + "00".repeat(32));
        } catch (SignatureRejected e) {
            assertThat(e.getMessage()).doesNotContain(OLD).doesNotContain(NEW);
        }
    }

    /** The HMAC is ours, the header rules stripe-java's: every header of this corpus gets the same answer from both. */
    @Test
    void agreesWithStripeJavaOnEveryHeaderOfACorpus() {
        SignatureVerifier one = new SignatureVerifier(List.of(NEW), Duration.ofSeconds(300), clock);
        String v1 = WebhookSigner.v1(NEW, NOW, BODY);
        String staleV1 = WebhookSigner.v1(NEW, NOW - 301, BODY);
        List<String> headers = List.of(
                "t=" + NOW + ",v1=" + v1, "t=" + NOW + ",v1=" + v1 + ",v0=abc", "v1=" + v1 + ",t=" + NOW,
                "t=" + NOW + ",v1=" + v1.toUpperCase(Locale.ROOT), "t=" + NOW + ",v1= " + v1, "t=" + NOW + ", v1=" + v1,
                " t=" + NOW + ",v1=" + v1, "t= " + NOW + ",v1=" + v1, "t=+" + NOW + ",v1=" + v1, "t=0" + NOW + ",v1=" + v1,
                "t=" + NOW + ",v1=" + v1 + "00", "t=" + NOW + ",v1=" + v1.substring(1), "t=" + NOW + ",v1=" + v1 + ",",
                "t=" + NOW + ",,v1=" + v1, "t=" + NOW + ",x,v1=" + v1, "t=" + NOW + ",v1=a=b,v1=" + v1, "t=" + NOW + ",v1",
                "t=" + (NOW - 301) + ",v1=" + staleV1, "t=" + (NOW - 301) + ",v1=" + v1, "t=-1,v1=" + v1, "t=0,v1=" + v1,
                "t=" + NOW + ";v1=" + v1, "T=" + NOW + ",v1=" + v1, "t=" + NOW + ",V1=" + v1, "t=1e9,v1=" + v1);
        for (String header : headers) {
            boolean stripeAccepts;
            try {
                stripeAccepts = Webhook.Signature.verifyHeader(BODY, header, NEW, 300, clock);
            } catch (SignatureVerificationException | RuntimeException refused) {
                stripeAccepts = false;
            }
            boolean weAccept;
            try {
                weAccept = one.verify(bytes(BODY), header) != null;
            } catch (SignatureRejected refused) {
                weAccept = false;
            }
            assertThat(weAccept).as(header).isEqualTo(stripeAccepts);
        }
    }

    /** Stripe's header for bytes that need not be text: the HMAC over {@code "{t}."} and the bytes as they are. */
    private static String signedBytes(String secret, byte[] body) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((NOW + ".").getBytes(StandardCharsets.US_ASCII));
        return "t=" + NOW + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    }
}
