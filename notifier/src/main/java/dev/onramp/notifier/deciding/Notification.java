package dev.onramp.notifier.deciding;

import dev.onramp.schemas.SessionOutcome;

/** One message due: which notification, about which outcome, to which address, in which language. */
public record Notification(String id, SessionOutcome outcome, String address, String locale) {
}
