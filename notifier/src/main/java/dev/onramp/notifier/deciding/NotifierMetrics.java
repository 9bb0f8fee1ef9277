package dev.onramp.notifier.deciding;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The decisions' side: audit steps by status, attempts by result, retry backlog, attempts with the sender, oldest
 * overdue retry, outcomes held, and the time from the decision to notify to the provider accepting.
 */
public final class NotifierMetrics {
    private final MeterRegistry registry;
    private final AtomicLong outcomesHeld = new AtomicLong();
    private final AtomicLong retryBacklog = new AtomicLong();
    private final AtomicLong withSender = new AtomicLong();
    private final AtomicLong oldestOverdueSeconds = new AtomicLong();
    private final Timer decidedToAccepted;

    public NotifierMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("onramp.notifier.outcomes.held", outcomesHeld, AtomicLong::get)
                .description("Outcomes within the notify window, kept for a recipient who may still register").register(registry);
        Gauge.builder("onramp.notifier.retry.backlog", retryBacklog, AtomicLong::get)
                .description("Notifications waiting for their next attempt (approximate)").register(registry);
        Gauge.builder("onramp.notifier.attempts.with.sender", withSender, AtomicLong::get)
                .description("Attempts handed to the sender, without a result yet (approximate)").register(registry);
        Gauge.builder("onramp.notifier.retry.oldest.overdue.seconds", oldestOverdueSeconds, AtomicLong::get)
                .description("How late the oldest due retry is: grows when retries are not being made").register(registry);
        this.decidedToAccepted = Timer.builder("onramp.notifier.decided.to.accepted").publishPercentileHistogram()
                .description("From the decision to notify to the provider accepting the message").register(registry);
    }

    void delivery(String channel, String status) {
        Counter.builder("onramp.notifier.notifications").tag("channel", channel).tag("status", status)
                .register(registry).increment();
    }

    void attempted(String channel, String result) {
        Counter.builder("onramp.notifier.attempts").tag("channel", channel).tag("result", result)
                .register(registry).increment();
    }

    void accepted(Duration sinceDecided) {
        decidedToAccepted.record(sinceDecided.isNegative() ? Duration.ZERO : sinceDecided);
    }

    void backlog(long retries, long atSender, Duration oldestOverdue) {
        retryBacklog.set(retries);
        withSender.set(atSender);
        oldestOverdueSeconds.set(oldestOverdue.toSeconds());
    }

    void outcomesHeld(long count) {
        outcomesHeld.set(count);
    }
}
