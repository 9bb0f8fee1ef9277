package dev.onramp.schemas;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of {@code onramp.suppressions.v1}: {@code <CHANNEL>:<base64url SHA-256 of the address>}. Part of the
 * contract, so ingest (unsubscribe links) and the notifier (gone addresses) compute the same key, and so does any
 * team that lifts a suppression with a tombstone. An email address is hashed in lower case.
 *
 * <p>An unsubscribe link carries {@code <address hash>.<HMAC-SHA256 of it>}: the notifier signs it with the first of
 * the shared {@code UNSUBSCRIBE_SECRETS}, ingest accepts any of them (a rotation), and the address never appears in
 * the link.
 */
public final class SuppressionKeys {
    private SuppressionKeys() {
    }

    public static String key(Channel channel, String address) {
        return channel.name() + ":" + addressHash(channel, address);
    }

    public static String addressHash(Channel channel, String address) {
        String normalized = channel == Channel.EMAIL ? address.trim().toLowerCase(Locale.ROOT) : address.trim();
        byte[] digest = Sha256.of(normalized);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    public static String unsubscribeToken(String secret, String email) {
        String hash = addressHash(Channel.EMAIL, email);
        return hash + "." + mac(secret, hash);
    }

    /** The email address hash the token stands for, when one of the secrets signed it. */
    public static Optional<String> verifyUnsubscribeToken(List<String> secrets, String token) {
        if (token == null || token.length() > 200) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String hash = token.substring(0, dot);
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        for (String secret : secrets) {
            if (MessageDigest.isEqual(given, mac(secret, hash).getBytes(StandardCharsets.US_ASCII))) {
                return Optional.of(hash);
            }
        }
        return Optional.empty();
    }

    private static String mac(String secret, String hash) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] out = mac.doFinal(("unsubscribe:EMAIL:" + hash).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
