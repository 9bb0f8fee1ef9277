package dev.onramp.notifier.deciding;

import dev.onramp.schemas.NotificationResult;
import dev.onramp.schemas.NotificationRetry;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;

/** The notifier's four inputs, merged into one stream (all keyed by session id); lives only inside the topology. */
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

    /** An operator redrove a notification that was given up on (from {@code onramp.redrives.v1}). */
    record RetryRequested(String redriveId, NotificationRetry retry) implements NotifierInput {
    }
}
