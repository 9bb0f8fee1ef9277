package dev.onramp.console.ops;

import java.time.Duration;
import java.util.Optional;

import dev.onramp.console.AdminKeys;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.FailedAuthLimit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;

/**
 * {@code Authorization: Bearer <admin key>} on the ops API; the key's id is kept on the request for the audit trail.
 * A client with too many failed tries in a row is answered 429 for a while, as on the platform API.
 */
public final class AdminAuth implements Handler {
    private static final String KEY_ID = "onramp.admin.key.id";

    private final AdminKeys keys;
    private final FailedAuthLimit limit;

    public AdminAuth(AdminKeys keys, FailedAuthLimit limit) {
        this.keys = keys;
        this.limit = limit;
    }

    @Override
    public void handle(Context ctx) {
        String header = ctx.header("Authorization");
        String presented = header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).trim() : null;
        ctx.attribute(KEY_ID, check(ctx, presented).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer");
            return new ApiError(HttpStatus.UNAUTHORIZED, "unauthorized", "a valid admin API key is required");
        }));
    }

    /** The key's id, or empty (and the failure counted) when it is not an admin key; 429 while the client must wait. */
    public Optional<String> check(Context ctx, String presented) {
        Duration wait = limit.waitBeforeNextTry(ctx.ip());
        if (!wait.isZero() && !wait.isNegative()) {
            ctx.header("Retry-After", String.valueOf(Math.max(1, wait.toSeconds())));
            throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, "too_many_failed_attempts", "too many tries without a valid key; retry later");
        }
        Optional<String> id = keys.idOf(presented);
        if (id.isEmpty()) {
            limit.failed(ctx.ip());
        }
        return id;
    }

    public static String keyId(Context ctx) {
        return ctx.attribute(KEY_ID);
    }

    public static void keyId(Context ctx, String id) {
        ctx.attribute(KEY_ID, id);
    }
}
