package dev.onramp.notifier.delivery;

import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.NotificationRecord;

/** What an attempt produces, each kind bound for its own topic: always an audit record, a dead letter when given up. */
sealed interface DeliveryStep {
    record Attempted(NotificationRecord record) implements DeliveryStep {
    }

    record GivenUp(NotificationDeadLetter deadLetter) implements DeliveryStep {
    }
}
