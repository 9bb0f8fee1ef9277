package dev.onramp.notifier.deciding;

import dev.onramp.schemas.NotificationResult;
import dev.onramp.schemas.NotificationRetry;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;

/**
 * What {@link OutcomePairing} hands {@link NotificationLedger} (keyed by session id): the pairing knows outcomes and
 * recipients, the ledger knows notifications. Lives only inside the topology, between two processors of one task.
 */
sealed interface LedgerInput {
    /** The outcome and its recipient as they are now: each channel with an address is due, unless already done. */
    record Notify(SessionOutcome outcome, SessionRecipient recipient) implements LedgerInput {
    }

    /** The recipient of an outcome was removed: retries waiting for the recipient's addresses are cancelled. */
    record RecipientRemoved(SessionOutcome outcome) implements LedgerInput {
    }

    /** The sender reports how an attempt went. */
    record Result(NotificationResult result) implements LedgerInput {
    }

    /** An operator's redrive, with the session's recipient as it is now. */
    record Redrive(String redriveId, NotificationRetry retry, SessionRecipient recipient) implements LedgerInput {
    }

    /** The outcome's notify window ended: its notifications' ledger entries leave. */
    record Forget(OutcomeKind outcome) implements LedgerInput {
    }
}
