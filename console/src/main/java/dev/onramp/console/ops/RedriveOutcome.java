package dev.onramp.console.ops;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a redrive of one dead letter came to. */
public sealed interface RedriveOutcome {
    String entryId();

    /** Sent through again: {@code what} says what was written. */
    record Redriven(String entryId, String sessionId, String what) implements RedriveOutcome {
    }

    /** Redriven before: nothing written again (redriving twice sends once). */
    record AlreadyRedriven(String entryId, String by, Instant at) implements RedriveOutcome {
    }

    /** Not sent through, and why: it would produce a second outcome or message, or still cannot be processed. */
    record Refused(String entryId, String reason) implements RedriveOutcome {
    }

    default Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("entry", entryId());
        if (this instanceof Redriven r) {
            json.put("result", "redriven");
            json.put("session_id", r.sessionId());
            json.put("detail", r.what());
        } else if (this instanceof AlreadyRedriven a) {
            json.put("result", "already_redriven");
            json.put("detail", "redriven by " + a.by() + " at " + a.at());
        } else if (this instanceof Refused f) {
            json.put("result", "refused");
            json.put("detail", f.reason());
        }
        return json;
    }
}
