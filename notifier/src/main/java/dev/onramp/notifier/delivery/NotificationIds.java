package dev.onramp.notifier.delivery;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import dev.onramp.schemas.Channel;
import dev.onramp.schemas.OutcomeKind;

/**
 * The notification id is a function of (session, outcome, channel): every instance, every restart, every
 * redelivery computes the same one. It keys the ledger and becomes the email's Message-ID.
 */
public final class NotificationIds {
    private NotificationIds() {
    }

    public static String of(String sessionId, OutcomeKind outcome, Channel channel) {
        String name = sessionId + "|" + outcome.name() + "|" + channel.name();
        return "ntf_" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }
}
