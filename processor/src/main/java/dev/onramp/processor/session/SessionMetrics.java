package dev.onramp.processor.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters of what the session rules did, by disposition, plus duplicates, anomalies, outcomes and alerts. */
public final class SessionMetrics {
    private final MeterRegistry registry;

    public SessionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void duplicate() {
        count("onramp.processor.duplicates");
    }

    void disposition(String disposition) {
        Counter.builder("onramp.processor.events").tag("disposition", disposition).register(registry).increment();
    }

    void anomaly() {
        count("onramp.processor.anomalies");
    }

    void outcome(String kind) {
        Counter.builder("onramp.processor.outcomes").tag("outcome", kind).register(registry).increment();
    }

    void alert() {
        count("onramp.processor.stalled.alerts");
    }

    private void count(String name) {
        registry.counter(name).increment();
    }
}
