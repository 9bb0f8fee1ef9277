package dev.onramp.runtime;

import java.time.Duration;

import dev.onramp.runtime.net.TrustedProxies;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;

/**
 * {@code Authorization: Bearer <key>}, checked against every accepted key in constant time. A valid key always
 * passes; a client (as {@link TrustedProxies} tells it) with too many failed checks is answered 429 instead of 401
 * for a while ({@link FailedAuthLimit}).
 */
public final class BearerAuth implements Handler {
    private final PlatformKeys keys;
    private final TrustedProxies proxies;
    private final FailedAuthLimit limit;

    public BearerAuth(PlatformKeys keys, TrustedProxies proxies) {
        this(keys, proxies, new FailedAuthLimit("platform API"));
    }

    BearerAuth(PlatformKeys keys, TrustedProxies proxies, FailedAuthLimit limit) {
        this.keys = keys;
        this.proxies = proxies;
        this.limit = limit;
    }

    @Override
    public void handle(Context ctx) {
        String header = ctx.header("Authorization");
        String presented = header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).trim() : null;
        if (keys.accepts(presented)) {
            return;
        }
        throw refusal(ctx, limit.failed(proxies.clientOf(ctx)), "a valid platform API key is required");
    }

    /** 429 with {@code Retry-After} while the client must wait, 401 otherwise. */
    public static ApiError refusal(Context ctx, Duration wait, String message) {
        if (!wait.isZero()) {
            ctx.header("Retry-After", String.valueOf(Math.max(1, wait.toSeconds())));
            return new ApiError(HttpStatus.TOO_MANY_REQUESTS, "too_many_failed_attempts", "too many requests without a valid key; retry later");
        }
        ctx.header("WWW-Authenticate", "Bearer");
        return new ApiError(HttpStatus.UNAUTHORIZED, "unauthorized", message);
    }
}
