package dev.onramp.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.eclipse.jetty.http.BadMessageException;

/**
 * Reads a request body without ever holding more than {@code limit + 1} bytes of it, whatever the framing: a declared
 * length over the limit is refused before a byte is read, a chunked or undeclared body is refused as soon as it
 * crosses the limit, and a compressed one is refused outright (Stripe does not compress webhooks; inflating one is
 * how a small request becomes a large one). A refusal asks Jetty to close the connection, so the unread rest of the
 * body is never read either.
 *
 * <p>A body must also keep coming: each read waits at most the connector's idle timeout, and the whole body may take
 * {@link #GRACE} plus a second per {@link #MIN_BYTES_PER_SECOND} bytes. Jetty's own minimum data rate is not used:
 * it measures from the first byte to each read, so a short stall of this process (a GC, a cold JIT) fails a small,
 * fast body with a 408 (jetty/jetty.project#4641, seen here on a recipient PUT).
 */
public final class BoundedBody {
    private static final int CHUNK = 8 * 1024;
    static final Duration GRACE = Duration.ofSeconds(5);
    static final long MIN_BYTES_PER_SECOND = 1_024;

    private BoundedBody() {
    }

    public static byte[] read(Context ctx, int limit) {
        String encoding = ctx.header("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !"identity".equals(encoding.trim().toLowerCase(Locale.ROOT))) {
            throw refuse(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_content_encoding",
                    "bodies must not be compressed (Content-Encoding " + encoding.trim() + ")");
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(limit);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 ? (int) declared : CHUNK);
        byte[] chunk = new byte[CHUNK];
        long started = System.nanoTime();
        try {
            InputStream in = ctx.req().getInputStream();
            int n;
            while ((n = in.read(chunk, 0, Math.min(CHUNK, limit + 1 - body.size()))) > 0) {
                body.write(chunk, 0, n);
                if (body.size() > limit) {
                    throw tooLarge(limit);
                }
                if (tooSlow(started, body.size())) {
                    throw notReceived();
                }
            }
        } catch (IOException | BadMessageException e) {
            // The client went away, or stopped sending for longer than the idle timeout: nothing to answer to.
            throw notReceived();
        }
        return body.toByteArray();
    }

    /** Slower than {@link #MIN_BYTES_PER_SECOND} once the grace period is spent: a trickle holding a thread. */
    static boolean tooSlow(long startedNanos, long bytes) {
        long allowedNanos = GRACE.toNanos() + bytes * 1_000_000_000L / MIN_BYTES_PER_SECOND;
        return System.nanoTime() - startedNanos > allowedNanos;
    }

    private static ApiError notReceived() {
        return refuse(HttpStatus.REQUEST_TIMEOUT, "body_not_received", "the body did not arrive in time");
    }

    private static ApiError tooLarge(int limit) {
        return refuse(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large", "the body is over " + limit + " bytes");
    }

    private static ApiError refuse(HttpStatus status, String code, String message) {
        return new ApiError(status, code, message).closingConnection();
    }
}
