package dev.onramp.runtime;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;

/** {@code Authorization: Bearer <key>}, checked against every accepted key in constant time. */
public final class BearerAuth implements Handler {
    private final PlatformKeys keys;

    public BearerAuth(PlatformKeys keys) {
        this.keys = keys;
    }

    @Override
    public void handle(Context ctx) {
        String header = ctx.header("Authorization");
        String presented = header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).trim() : null;
        if (!keys.accepts(presented)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(HttpStatus.UNAUTHORIZED, "unauthorized", "a valid platform API key is required");
        }
    }
}
