package dev.onramp.notifier.sending;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The sender's side: results by kind, sends in flight, how long a send takes, and whether the breaker is open. */
final class SenderMetrics {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Timer sendLatency;

    SenderMetrics(MeterRegistry registry, String channel, SendGate gate) {
        Gauge.builder("onramp.notifier.sends.in.flight", inFlight, AtomicInteger::get).tag("channel", channel)
                .description("Messages handed to the provider, not answered yet").register(registry);
        Gauge.builder("onramp.notifier.sender.breaker.open", gate, g -> g.open() ? 1 : 0).tag("channel", channel)
                .description("1 while sending is paused because most attempts failed").register(registry);
        this.sendLatency = Timer.builder("onramp.notifier.send.latency").publishPercentileHistogram().tag("channel", channel)
                .description("Duration of one delivery attempt").register(registry);
    }

    void inFlight(int delta) {
        inFlight.addAndGet(delta);
    }

    void sent(long nanos) {
        sendLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

}
