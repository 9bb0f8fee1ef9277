package dev.onramp.notifier.sending;

import dev.onramp.notifier.deciding.Notification;
import dev.onramp.notifier.deciding.NotificationChannel;
import dev.onramp.notifier.deciding.ProviderAnswer;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.privacy.KeyStore;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.runtime.privacy.SealedValue;
import dev.onramp.schemas.NotificationIntent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what an intent asks for, its sealed fields opened: the address, and the outcome's wallet addresses and
 * transaction id. The topics hold them sealed; the provider gets the address and the user is told the rest in clear.
 */
final class OpenedNotifications {
    private static final Logger log = LoggerFactory.getLogger(OpenedNotifications.class);

    private final KeyStore keys;

    OpenedNotifications(KeyStore keys) {
        this.keys = keys;
    }

    /**
     * The channel's answer; without asking it, a transient failure when the data keys cannot be read now (tried again
     * later) and a permanent one when the address was erased (the person was forgotten: nobody to tell).
     */
    ProviderAnswer deliver(NotificationIntent intent, NotificationChannel channel) {
        NotificationIntent opened;
        try {
            opened = PersonalFields.open(intent, keys);
        } catch (KafkaKeyStore.Unavailable e) {
            log.warn("notification {}: its data keys could not be read, trying again later: {}", intent.getNotificationId(),
                    e.getMessage());
            return new ProviderAnswer.Transient("the data keys could not be read");
        }
        if (SealedValue.ERASED.equals(opened.getAddress())) {
            return new ProviderAnswer.Permanent("the recipient was erased");
        }
        return channel.deliver(new Notification(opened.getNotificationId(), opened.getOutcome(), opened.getAddress(), opened.getLocale()));
    }
}
