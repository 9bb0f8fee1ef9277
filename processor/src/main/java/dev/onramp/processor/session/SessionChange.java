package dev.onramp.processor.session;

import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionOutcome;

/**
 * What the session processor emits for one input (or one stall check): the new state, encoded as the store holds
 * it (see {@link SessionStore}), and an outcome or an alert when there is one. Lives only between two nodes of
 * the topology; never serialized itself.
 */
public record SessionChange(byte[] encodedState, SessionOutcome outcome, SessionAlert alert) {
}
