package dev.onramp.notifier.sending;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import dev.onramp.notifier.deciding.ProviderAnswer;
import dev.onramp.runtime.HealthCheck;

/**
 * Tells the truth about sending: DEGRADED, with the last reason, when attempts have failed and none has succeeded
 * for {@code after}. Degraded, not down: the notifier still decides, records and retries, and taking it out of
 * rotation would not bring the mail server back.
 */
final class SenderHealth implements HealthCheck {
    private final String name;
    private final Duration after;
    private final LongSupplier nanos;
    private final AtomicLong failingSince = new AtomicLong(-1);
    private final AtomicReference<String> lastFailure = new AtomicReference<>();

    SenderHealth(String name, Duration after, LongSupplier nanos) {
        this.name = name;
        this.after = after;
        this.nanos = nanos;
    }

    /** A refusal of one message (permanent, gone) says nothing either way about the provider. */
    void observe(ProviderAnswer result) {
        if (result instanceof ProviderAnswer.Sent) {
            succeeded();
        } else if (result instanceof ProviderAnswer.Transient failure) {
            failed(failure.reason());
        }
    }

    void succeeded() {
        failingSince.set(-1);
    }

    void failed(String reason) {
        lastFailure.set(reason);
        failingSince.compareAndSet(-1, nanos.getAsLong());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void check() throws Degraded {
        long since = failingSince.get();
        if (since >= 0 && nanos.getAsLong() - since >= after.toNanos()) {
            throw new Degraded("every attempt for " + Duration.ofNanos(nanos.getAsLong() - since).toSeconds()
                    + " s has failed; last: " + lastFailure.get());
        }
    }
}
