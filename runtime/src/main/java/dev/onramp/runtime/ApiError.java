package dev.onramp.runtime;

import io.javalin.http.HttpStatus;

/** An answer other than success: its HTTP status, a stable machine-readable code and a message for people. */
public final class ApiError extends RuntimeException {
    private final HttpStatus status;
    private final String code;

    public ApiError(HttpStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }
}
