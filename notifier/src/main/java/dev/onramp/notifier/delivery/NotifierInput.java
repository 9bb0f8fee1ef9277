package dev.onramp.notifier.delivery;

import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;

/** Either input of the notifier, merged into one stream; lives only inside the topology. */
record NotifierInput(SessionOutcome outcome, SessionRecipient recipient, boolean recipientRemoved) {
    static NotifierInput outcome(SessionOutcome outcome) {
        return new NotifierInput(outcome, null, false);
    }

    static NotifierInput recipient(SessionRecipient recipient) {
        return new NotifierInput(null, recipient, recipient == null);
    }
}
