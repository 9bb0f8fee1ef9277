package dev.onramp.notifier.deciding;

import dev.onramp.schemas.ChannelSuppression;
import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.NotificationIntent;
import dev.onramp.schemas.NotificationRecord;

/** What the notifier's decisions produce, each kind bound for its own topic. */
sealed interface NotificationStep {
    /** An attempt to make: for the sender, once this transaction commits. */
    record Intended(NotificationIntent intent) implements NotificationStep {
    }

    /** The audit trail's next line: sent, retrying or failed. */
    record Recorded(NotificationRecord record) implements NotificationStep {
    }

    /** An address not to use again, keyed by its suppression key (not the session). */
    record Suppressed(ChannelSuppression suppression) implements NotificationStep {
    }

    /** A notification given up on. */
    record GivenUp(NotificationDeadLetter deadLetter) implements NotificationStep {
    }
}
