package dev.onramp.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * The key of {@code onramp.suppressions.v1}: {@code <CHANNEL>:<base64url SHA-256 of the address>}. Part of the
 * contract, so ingest (unsubscribe links) and the notifier (gone addresses) compute the same key, and so does any
 * team that lifts a suppression with a tombstone. An email address is hashed in lower case.
 */
public final class SuppressionKeys {
    private SuppressionKeys() {
    }

    public static String key(Channel channel, String address) {
        return channel.name() + ":" + addressHash(channel, address);
    }

    public static String addressHash(Channel channel, String address) {
        String normalized = channel == Channel.EMAIL ? address.trim().toLowerCase(Locale.ROOT) : address.trim();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
