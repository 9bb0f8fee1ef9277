package dev.onramp.notifier.sending;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.onramp.notifier.deciding.NotificationChannel;
import dev.onramp.runtime.HealthCheck;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One {@link IntentSender} per channel, sharing what must be shared: the {@link SentLedger} (never send twice what
 * any of them sent), the {@link ResultWriter}'s producer, and the data keys that open an outcome's sealed fields.
 */
public final class ChannelSenders implements AutoCloseable {
    /** How long an erased key may still open an outcome here: what the notifier sends after that says "[erased]". */
    private static final Duration KEY_REFRESH = Duration.ofSeconds(5);

    /** A channel's settings, and how to open one more connection to its provider. */
    public record Lane(IntentSender.Settings settings, Supplier<NotificationChannel> connection) {
    }

    private final SentLedger ledger;
    private final ResultWriter results;
    private final List<IntentSender> senders = new ArrayList<>();
    private final KafkaKeyStore keys;

    public ChannelSenders(KafkaConnection kafka, Duration notifyWindow, List<Lane> lanes, MeterRegistry registry, Clock clock,
                          Tracing tracing) {
        this.ledger = new SentLedger(kafka, notifyWindow);
        this.results = new ResultWriter(kafka, ledger, registry, clock);
        this.keys = new KafkaKeyStore(kafka.clientConfig(), new RegistryAvroDeserializer<>(SubjectKey.class, kafka.registryClient()),
                KEY_REFRESH);
        for (Lane lane : lanes) {
            senders.add(new IntentSender(kafka, lane.settings(), lane.connection(), ledger, results, registry, clock,
                    new SendSpans(tracing, lane.settings().channel()), keys));
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
        keys.close();
    }
}
