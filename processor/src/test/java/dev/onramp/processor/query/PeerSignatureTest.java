package dev.onramp.processor.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class PeerSignatureTest {
    private static final byte[] SECRET = "peer-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final String PATH = "/v1/sessions/cos_QueryTest00000001";

    private final PeerSignature signer = new PeerSignature(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aSiblingsSignatureVerifiesForItsPathOnly() {
        String header = signer.sign(PATH);
        assertThat(signer.verifies(header, PATH)).isTrue();
        assertThat(signer.verifies(header, "/v1/sessions/cos_OtherSession0001")).isFalse();
        assertThat(signer.verifies(header.replace("sig=", "sig=0"), PATH)).isFalse();
        assertThat(signer.verifies(null, PATH)).isFalse();
        assertThat(signer.verifies("Bearer whatever", PATH)).isFalse();
    }

    @Test
    void aSignatureFromAnotherSecretOrTooOldIsRefused() {
        PeerSignature stranger = new PeerSignature("another-secret-0123456789".getBytes(StandardCharsets.UTF_8),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(signer.verifies(stranger.sign(PATH), PATH)).isFalse();
        PeerSignature later = new PeerSignature(SECRET, Clock.fixed(NOW.plus(Duration.ofSeconds(31)), ZoneOffset.UTC));
        assertThat(later.verifies(signer.sign(PATH), PATH)).isFalse();
        PeerSignature soon = new PeerSignature(SECRET, Clock.fixed(NOW.plus(Duration.ofSeconds(29)), ZoneOffset.UTC));
        assertThat(soon.verifies(signer.sign(PATH), PATH)).isTrue();
    }
}
