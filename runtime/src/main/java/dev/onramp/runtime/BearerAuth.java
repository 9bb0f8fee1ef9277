package dev.onramp.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;

/** {@code Authorization: Bearer <key>}, compared in constant time so the key cannot be guessed byte by byte. */
public final class BearerAuth implements Handler {
    private final byte[] expected;

    public BearerAuth(String apiKey) {
        if (apiKey == null || apiKey.length() < 16) {
            throw new IllegalArgumentException("PLATFORM_API_KEY must be set to at least 16 characters");
        }
        this.expected = apiKey.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(Context ctx) {
        String header = ctx.header("Authorization");
        byte[] presented = header != null && header.startsWith("Bearer ")
                ? header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (!MessageDigest.isEqual(expected, presented)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(HttpStatus.UNAUTHORIZED, "unauthorized", "a valid platform API key is required");
        }
    }
}
