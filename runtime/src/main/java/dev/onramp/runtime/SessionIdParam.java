package dev.onramp.runtime;

import dev.onramp.schemas.SessionIds;
import io.javalin.http.HttpStatus;

/** A session id taken from a request: checked before it reaches a store, a topic or a log, with one 400 for all. */
public final class SessionIdParam {
    private SessionIdParam() {
    }

    /** The id itself, or a 400 {@code invalid_session_id} that says what a session id looks like. */
    public static String checked(String sessionId) {
        if (!SessionIds.isValid(sessionId)) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_session_id",
                    "session id must look like cos_ followed by 8 to 64 letters or digits");
        }
        return sessionId;
    }
}
