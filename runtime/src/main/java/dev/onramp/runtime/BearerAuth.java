package dev.onramp.runtime;

import java.time.Duration;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;

/**
 * {@code Authorization: Bearer <key>}, checked against every accepted key in constant time; a client with too many
 * failed checks in a row is answered 429 for a while ({@link FailedAuthLimit}).
 */
public final class BearerAuth implements Handler {
    private final PlatformKeys keys;
    private final FailedAuthLimit limit;

    public BearerAuth(PlatformKeys keys) {
        this(keys, new FailedAuthLimit());
    }

    BearerAuth(PlatformKeys keys, FailedAuthLimit limit) {
        this.keys = keys;
        this.limit = limit;
    }

    @Override
    public void handle(Context ctx) {
        String client = ctx.ip();
        Duration wait = limit.waitBeforeNextTry(client);
        if (!wait.isZero() && !wait.isNegative()) {
            ctx.header("Retry-After", String.valueOf(Math.max(1, wait.toSeconds())));
            throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, "too_many_failed_attempts",
                    "too many requests without a valid key; retry later");
        }
        String header = ctx.header("Authorization");
        String presented = header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).trim() : null;
        if (!keys.accepts(presented)) {
            limit.failed(client);
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(HttpStatus.UNAUTHORIZED, "unauthorized", "a valid platform API key is required");
        }
    }
}
