package dev.onramp.notifier.delivery;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** sent / failed / retrying, outcomes waiting for a recipient, time from outcome to accepted message. */
public final class NotifierMetrics {
    private final MeterRegistry registry;
    private final AtomicLong pendingWithoutRecipient = new AtomicLong();
    private final Timer sendLatency;
    private final Timer outcomeToAccepted;

    public NotifierMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("onramp.notifier.pending.without.recipient", pendingWithoutRecipient, AtomicLong::get)
                .description("Outcomes known for which no recipient has been registered").register(registry);
        this.sendLatency = Timer.builder("onramp.notifier.send.latency").publishPercentileHistogram()
                .description("Duration of one delivery attempt").register(registry);
        this.outcomeToAccepted = Timer.builder("onramp.notifier.outcome.to.accepted").publishPercentileHistogram()
                .description("From the outcome's record time to the provider accepting the message").register(registry);
    }

    void delivery(String channel, String status) {
        Counter.builder("onramp.notifier.notifications").tag("channel", channel).tag("status", status)
                .register(registry).increment();
    }

    void attempt(Duration took) {
        sendLatency.record(took);
    }

    void accepted(Duration sinceOutcome) {
        outcomeToAccepted.record(sinceOutcome);
    }

    void pendingWithoutRecipient(long count) {
        pendingWithoutRecipient.set(count);
    }
}
