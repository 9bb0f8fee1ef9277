package dev.onramp.notifier.deciding;

import java.util.Optional;

import dev.onramp.schemas.Channel;
import dev.onramp.schemas.SessionRecipient;

/**
 * One way of telling someone: email and Web Push tell the user, the outbound webhook tells the platform. Each reads
 * its own field of {@link SessionRecipient}; the ledger, retries, suppressions and dead-lettering are the same for
 * all.
 */
public interface NotificationChannel extends AutoCloseable {
    Channel kind();

    /**
     * Where this channel would deliver for the recipient, if anywhere. When nobody is registered for the session
     * the recipient has no field set; a channel with a deployment-wide address (the platform's webhook) still has one.
     */
    Optional<String> address(SessionRecipient recipient);

    /** What identifies the address for suppression: the address itself, or the part that outlives a session. */
    default String identity(String address) {
        return address;
    }

    /** The address as logs and the audit trail show it. */
    String mask(String address);

    /** One attempt. Never throws: every failure is a {@link ProviderAnswer}. */
    ProviderAnswer deliver(Notification notification);

    /** Releases the provider connection, if any. */
    @Override
    default void close() {
    }
}
