package dev.onramp.notifier.sending;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.onramp.notifier.deciding.NotificationChannel;
import dev.onramp.runtime.HealthCheck;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.tracing.Tracing;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One {@link IntentSender} per channel, sharing what must be shared: the {@link SentLedger} (never send twice what
 * any of them sent) and the {@link ResultWriter}'s producer.
 */
public final class ChannelSenders implements AutoCloseable {
    /** A channel's settings, and how to open one more connection to its provider. */
    public record Lane(IntentSender.Settings settings, Supplier<NotificationChannel> connection) {
    }

    private final SentLedger ledger;
    private final ResultWriter results;
    private final List<IntentSender> senders = new ArrayList<>();

    public ChannelSenders(KafkaConnection kafka, Duration notifyWindow, List<Lane> lanes, MeterRegistry registry, Clock clock,
                          Tracing tracing) {
        this.ledger = new SentLedger(kafka, notifyWindow);
        this.results = new ResultWriter(kafka, ledger, registry, clock);
        for (Lane lane : lanes) {
            senders.add(new IntentSender(kafka, lane.settings(), lane.connection(), ledger, results, registry, clock,
                    new SendSpans(tracing, lane.settings().channel())));
        }
    }

    public ChannelSenders start() {
        senders.forEach(IntentSender::start);
        return this;
    }

    public List<HealthCheck> health() {
        return senders.stream().map(IntentSender::health).toList();
    }

    @Override
    public void close() {
        senders.forEach(IntentSender::close);
        results.close();
        ledger.close();
    }
}
