package dev.onramp.ingest.webhook;

/** A delivery whose signature did not verify. Carries no secret and no body. */
public final class SignatureRejected extends Exception {
    private final SignatureFailure failure;

    public SignatureRejected(SignatureFailure failure) {
        super(failure.message(), null, false, false);
        this.failure = failure;
    }

    public SignatureFailure failure() {
        return failure;
    }
}
