package dev.onramp.runtime;

import io.javalin.http.HttpStatus;

/** An answer other than success: its HTTP status, a stable machine-readable code and a message for people. */
public final class ApiError extends RuntimeException {
    private final HttpStatus status;
    private final String code;
    private final boolean closesConnection;

    public ApiError(HttpStatus status, String code, String message) {
        this(status, code, message, false);
    }

    private ApiError(HttpStatus status, String code, String message, boolean closesConnection) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.closesConnection = closesConnection;
    }

    /** The same answer, after which the connection is closed: for a refusal that left a request body unread. */
    public ApiError closingConnection() {
        return new ApiError(status, code, getMessage(), true);
    }

    public boolean closesConnection() {
        return closesConnection;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }
}
