package dev.onramp.notifier.delivery;

import dev.onramp.schemas.NotificationResult;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;

/** The notifier's three inputs, merged into one stream (all keyed by session id); lives only inside the topology. */
sealed interface NotifierInput {
    /** A session ended. */
    record OutcomeArrived(SessionOutcome outcome) implements NotifierInput {
    }

    /** The platform registered who to tell, or removed them ({@code recipient} null: the topic's tombstone). */
    record RecipientChanged(SessionRecipient recipient) implements NotifierInput {
        boolean removed() {
            return recipient == null;
        }
    }

    /** The sender reports how an attempt went. */
    record ResultReported(NotificationResult result) implements NotifierInput {
    }
}
