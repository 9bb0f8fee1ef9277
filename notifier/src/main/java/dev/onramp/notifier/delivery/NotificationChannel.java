package dev.onramp.notifier.delivery;

import java.util.Optional;

import dev.onramp.schemas.Channel;
import dev.onramp.schemas.SessionRecipient;

/**
 * One way of telling a user: email today; push and outbound webhooks are each one more implementation, reading
 * their own field of {@link SessionRecipient}. The ledger, retries and dead-lettering are the same for all.
 */
public interface NotificationChannel extends AutoCloseable {
    Channel kind();

    /** Where this channel would deliver for the recipient, if the recipient has such an address. */
    Optional<String> address(SessionRecipient recipient);

    /** The address as logs and the audit trail show it. */
    String mask(String address);

    /** One attempt. Never throws: every failure is a {@link DeliveryResult}. */
    DeliveryResult deliver(Notification notification);

    /** Releases the provider connection, if any. */
    @Override
    default void close() {
    }
}
