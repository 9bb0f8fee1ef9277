package dev.onramp.processor.query;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How one processor instance asks another for a session it holds, without handing on the caller's platform key:
 * {@code X-Onramp-Peer: t=<unix s>,sig=<hex>}, an HMAC-SHA256 with the instances' shared peer secret over the time
 * and the path, valid for {@link #TOLERANCE_SECONDS}. A group member that advertises a hostile address learns a
 * signature for one path for a few seconds, never a key.
 */
public final class PeerSignature {
    public static final String HEADER = "X-Onramp-Peer";
    static final long TOLERANCE_SECONDS = 30;

    private final byte[] secret;
    private final Clock clock;

    public PeerSignature(byte[] secret, Clock clock) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the peer secret must be at least 16 bytes");
        }
        this.secret = secret.clone();
        this.clock = clock;
    }

    public String sign(String path) {
        long t = clock.millis() / 1000;
        return "t=" + t + ",sig=" + mac(t, path);
    }

    public boolean verifies(String header, String path) {
        if (header == null) {
            return false;
        }
        String[] parts = header.split(",", 2);
        if (parts.length != 2 || !parts[0].startsWith("t=") || !parts[1].startsWith("sig=")) {
            return false;
        }
        long t;
        try {
            t = Long.parseLong(parts[0].substring(2));
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(clock.millis() / 1000 - t) > TOLERANCE_SECONDS) {
            return false;
        }
        return MessageDigest.isEqual(mac(t, path).getBytes(StandardCharsets.US_ASCII),
                parts[1].substring(4).getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(long t, String path) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((t + "." + path).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
