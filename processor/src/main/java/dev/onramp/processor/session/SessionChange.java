package dev.onramp.processor.session;

import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionState;

/**
 * What the session processor emits for one input (or one stall check): the new state (and its encoding, as
 * stored, for the state topic), and an outcome or an alert when there is one. Lives only between two nodes of
 * the topology; never serialized itself.
 */
public record SessionChange(SessionState state, byte[] encodedState, SessionOutcome outcome, SessionAlert alert) {
}
