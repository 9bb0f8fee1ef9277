package dev.onramp.processor.session;

import java.util.EnumMap;
import java.util.Map;

import dev.onramp.schemas.Disposition;
import dev.onramp.schemas.OutcomeKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counters of what the session rules did, by disposition, plus duplicates, anomalies, outcomes, alerts, sessions
 * retired and events refused as beyond the retention.
 * Registered once: a registry lookup per event would cost more than the rules themselves.
 */
public final class SessionMetrics {
    private final Counter duplicates;
    private final Counter anomalies;
    private final Counter alerts;
    private final Counter retired;
    private final Counter beyondRetention;
    private final Map<Disposition, Counter> byDisposition = new EnumMap<>(Disposition.class);
    private final Map<OutcomeKind, Counter> byOutcome = new EnumMap<>(OutcomeKind.class);

    public SessionMetrics(MeterRegistry registry) {
        duplicates = registry.counter("onramp.processor.duplicates");
        anomalies = registry.counter("onramp.processor.anomalies");
        alerts = registry.counter("onramp.processor.stalled.alerts");
        retired = registry.counter("onramp.processor.sessions.retired");
        beyondRetention = registry.counter("onramp.processor.events.beyond.retention");
        for (Disposition d : Disposition.values()) {
            byDisposition.put(d, Counter.builder("onramp.processor.events").tag("disposition", d.name()).register(registry));
        }
        for (OutcomeKind o : OutcomeKind.values()) {
            byOutcome.put(o, Counter.builder("onramp.processor.outcomes").tag("outcome", o.name()).register(registry));
        }
    }

    void duplicate() {
        duplicates.increment();
    }

    void disposition(Disposition disposition) {
        byDisposition.get(disposition).increment();
    }

    void anomaly() {
        anomalies.increment();
    }

    void outcome(OutcomeKind kind) {
        byOutcome.get(kind).increment();
    }

    void alert() {
        alerts.increment();
    }

    void retired() {
        retired.increment();
    }

    void beyondRetention() {
        beyondRetention.increment();
    }
}
