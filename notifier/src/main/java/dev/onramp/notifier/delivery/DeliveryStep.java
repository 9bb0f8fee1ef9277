package dev.onramp.notifier.delivery;

import dev.onramp.schemas.ChannelSuppression;
import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.NotificationIntent;
import dev.onramp.schemas.NotificationRecord;

/** What the notifier's decisions produce, each kind bound for its own topic. */
sealed interface DeliveryStep {
    /** An attempt to make: for the sender, once this transaction commits. */
    record Intended(NotificationIntent intent) implements DeliveryStep {
    }

    /** The audit trail's next line: sent, retrying or failed. */
    record Recorded(NotificationRecord record) implements DeliveryStep {
    }

    /** An address not to use again, keyed by its suppression key (not the session). */
    record Suppressed(ChannelSuppression suppression) implements DeliveryStep {
    }

    /** A notification given up on. */
    record GivenUp(NotificationDeadLetter deadLetter) implements DeliveryStep {
    }
}
