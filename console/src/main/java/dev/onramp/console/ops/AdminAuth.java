package dev.onramp.console.ops;

import java.time.Duration;
import java.util.Optional;

import dev.onramp.console.AdminKeys;
import dev.onramp.runtime.BearerAuth;
import dev.onramp.runtime.FailedAuthLimit;
import dev.onramp.runtime.net.TrustedProxies;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * {@code Authorization: Bearer <admin key>} on the ops API; the key's id is kept on the request for the audit trail.
 * A valid key always passes; a client with too many failed tries is answered 429 for a while, as on the platform API.
 */
public final class AdminAuth implements Handler {
    private static final String KEY_ID = "onramp.admin.key.id";

    private final AdminKeys keys;
    private final TrustedProxies proxies;
    private final FailedAuthLimit limit;

    public AdminAuth(AdminKeys keys, TrustedProxies proxies, FailedAuthLimit limit) {
        this.keys = keys;
        this.proxies = proxies;
        this.limit = limit;
    }

    @Override
    public void handle(Context ctx) {
        String header = ctx.header("Authorization");
        String presented = header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).trim() : null;
        ctx.attribute(KEY_ID, check(ctx, presented).orElseThrow(
                () -> BearerAuth.refusal(ctx, Duration.ZERO, "a valid admin API key is required")));
    }

    /** The key's id, or empty (and the failure counted) when it is not an admin key; 429 once the client must wait. */
    public Optional<String> check(Context ctx, String presented) {
        Optional<String> id = keys.idOf(presented);
        if (id.isEmpty()) {
            Duration wait = limit.failed(proxies.clientOf(ctx));
            if (!wait.isZero()) {
                throw BearerAuth.refusal(ctx, wait, "a valid admin API key is required");
            }
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
