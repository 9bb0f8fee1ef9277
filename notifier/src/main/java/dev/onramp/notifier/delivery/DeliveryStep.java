package dev.onramp.notifier.delivery;

import dev.onramp.schemas.NotificationDeadLetter;
import dev.onramp.schemas.NotificationRecord;

/** What one attempt produced: always an audit record, and a dead letter when the notification is given up. */
record DeliveryStep(NotificationRecord record, NotificationDeadLetter deadLetter) {
}
