package dev.onramp.ingest.mint;

/**
 * A mint the pipeline will not pass on, or that Stripe refused, answered in Stripe's error shape:
 * {@code {"error": {"type", "code", "param", "message"}}}. {@code param} may be null.
 */
public final class MintRefused extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;

    public MintRefused(int status, String type, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    /** A parameter that breaks one of the reference's rules: 400, before Stripe is called. */
    static MintRefused invalid(String param, String message) {
        return new MintRefused(400, "invalid_request_error", "parameter_invalid", param, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }
}
