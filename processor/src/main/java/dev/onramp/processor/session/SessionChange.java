package dev.onramp.processor.session;

import dev.onramp.schemas.SessionAlert;
import dev.onramp.schemas.SessionOutcome;

/**
 * What the session processor emits, one of three kinds, each bound for its own topic. Lives only between two nodes
 * of the topology; never serialized itself.
 */
public sealed interface SessionChange {
    /** The session's new state, encoded as the store holds it (see {@link SessionStore}): the table's next row. */
    record State(byte[] encoded) implements SessionChange {
    }

    /** The session ended: its one outcome. */
    record Outcome(SessionOutcome outcome) implements SessionChange {
    }

    /** The session has been in fulfillment too long. */
    record Alert(SessionAlert alert) implements SessionChange {
    }
}
