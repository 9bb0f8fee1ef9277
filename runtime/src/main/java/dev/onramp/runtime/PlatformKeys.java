package dev.onramp.runtime;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The bearer keys of the platform API and the query API: {@code PLATFORM_API_KEYS} (comma-separated, several during a
 * rotation) or {@code PLATFORM_API_KEY}. A key must be long and random-looking: at least 16 characters of which at
 * least 8 differ, so that {@code aaaaaaaaaaaaaaaa} or a word is refused at start-up rather than guessed later.
 */
public final class PlatformKeys {
    static final int MIN_LENGTH = 16;
    static final int MIN_DISTINCT = 8;

    private final List<byte[]> keys;

    private PlatformKeys(List<byte[]> keys) {
        this.keys = keys;
    }

    public static PlatformKeys fromEnv(Env env) {
        return of(env.rotating("PLATFORM_API_KEYS", "PLATFORM_API_KEY"));
    }

    public static PlatformKeys of(List<String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("PLATFORM_API_KEYS must hold at least one key");
        }
        for (String key : keys) {
            String k = key.trim();
            if (k.length() < MIN_LENGTH || k.chars().distinct().count() < MIN_DISTINCT || k.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("a platform API key must be at least " + MIN_LENGTH + " characters with at least "
                        + MIN_DISTINCT + " different ones and no spaces, e.g. 32 random hex digits");
            }
        }
        return new PlatformKeys(keys.stream().map(k -> k.trim().getBytes(StandardCharsets.UTF_8)).toList());
    }

    /** Compares with every key in constant time, so that neither a key nor which key matched can be timed. */
    public boolean accepts(String presented) {
        byte[] bytes = presented == null ? new byte[0] : presented.getBytes(StandardCharsets.UTF_8);
        boolean accepted = false;
        for (byte[] key : keys) {
            accepted |= MessageDigest.isEqual(key, bytes);
        }
        return accepted;
    }

    /**
     * A secret for {@code purpose} derived from the first key (HMAC-SHA256), for instances that share the keys and
     * need one more secret between them without another variable.
     */
    public byte[] derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keys.get(0), "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "PlatformKeys[" + keys.size() + (keys.size() == 1 ? " key" : " keys") + "]";
    }
}
