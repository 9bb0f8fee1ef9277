package dev.onramp.notifier.deciding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.onramp.schemas.Channel;
import dev.onramp.schemas.OutcomeKind;

/**
 * The notification id is a function of (session, outcome, channel): every instance, every restart, every
 * redelivery computes the same one. It keys the ledger and becomes the email's Message-ID.
 *
 * <p>It is the name-based (version 3, MD5) UUID of {@code session|OUTCOME|CHANNEL} without its dashes, the value
 * {@code UUID.nameUUIDFromBytes} gives; ids already in ledgers and on topics depend on it never changing. Computed
 * here with a digest kept per thread, because {@code nameUUIDFromBytes} looks MD5 up among the security providers on
 * every call, on the notifier's stream thread.
 */
public final class NotificationIds {
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(NotificationIds::md5);
    private static final HexFormat HEX = HexFormat.of();

    private NotificationIds() {
    }

    public static String of(String sessionId, OutcomeKind outcome, Channel channel) {
        String name = sessionId + "|" + outcome.name() + "|" + channel.name();
        byte[] hash = MD5.get().digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) (hash[6] & 0x0f | 0x30); // version 3
        hash[8] = (byte) (hash[8] & 0x3f | 0x80); // IETF variant
        return "ntf_" + HEX.formatHex(hash);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}
