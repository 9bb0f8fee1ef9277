package dev.onramp.notifier.sending;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.onramp.notifier.deciding.ProviderAnswer;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.schemas.NotificationIntent;
import dev.onramp.schemas.NotificationResult;
import dev.onramp.schemas.SendResult;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each attempt's result to onramp.notification-results.v1 and waits until Kafka has it. */
final class ResultWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResultWriter.class);

    private final KafkaProducer<String, NotificationResult> producer;
    private final SentLedger ledger;
    private final MeterRegistry registry;
    private final Clock clock;

    ResultWriter(KafkaConnection kafka, SentLedger ledger, MeterRegistry registry, Clock clock) {
        Map<String, Object> config = new HashMap<>(kafka.producerConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // One request at a time: the results the workers write while it is out go together in the next one, so a
        // lone result leaves at once and a busy sender sends a few requests per millisecond instead of one per message
        // (the broker's cost is per request much more than per record).
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new RegistryAvroSerializer<>(kafka.registryClient()));
        this.ledger = ledger;
        this.registry = registry;
        this.clock = clock;
    }

    /** What the provider said, as a result record; see {@link #write(NotificationIntent, SendResult, String, String, Instant,
     * Headers, BooleanSupplier)}. */
    void write(NotificationIntent intent, ProviderAnswer result, Headers trace, BooleanSupplier running) {
        if (result instanceof ProviderAnswer.Sent sent) {
            write(intent, SendResult.SENT, sent.providerMessageId(), null, null, trace, running);
        } else if (result instanceof ProviderAnswer.Transient failure) {
            Instant retryAfter = failure.retryAfter().isZero() ? null : clock.instant().plus(failure.retryAfter());
            write(intent, SendResult.TRANSIENT, null, failure.reason(), retryAfter, trace, running);
        } else if (result instanceof ProviderAnswer.Permanent failure) {
            write(intent, SendResult.PERMANENT, null, failure.reason(), null, trace, running);
        } else if (result instanceof ProviderAnswer.Gone gone) {
            write(intent, SendResult.GONE, null, gone.reason(), null, trace, running);
        }
    }

    /**
     * Only once this returns is the attempt safe from a repeat. The message went out, so its result must not be
     * lost: while Kafka is away this keeps trying (each failure a WARN), until told to stop. {@code trace}: the send's
     * trace context, so the notifier's folding of the result continues its trace.
     */
    void write(NotificationIntent intent, SendResult outcome, String providerMessageId, String reason, Instant retryAfter,
               Headers trace, BooleanSupplier running) {
        NotificationResult result = NotificationResult.newBuilder()
                .setNotificationId(intent.getNotificationId())
                .setSessionId(intent.getSessionId())
                .setChannel(intent.getChannel())
                .setAttempt(intent.getAttempt())
                .setResult(outcome)
                .setProviderMessageId(providerMessageId)
                .setReason(reason)
                .setRetryAfter(retryAfter)
                .setAt(clock.instant())
                .build();
        while (running.getAsBoolean()) {
            try {
                producer.send(new ProducerRecord<>(Topics.NOTIFICATION_RESULTS.name(), null, intent.getSessionId(), result, trace)).get();
                ledger.remember(result);
                Counter.builder("onramp.notifier.sends").description("Attempts by channel and result, as the sender recorded them")
                        .tag("channel", intent.getChannel().name()).tag("result", outcome.name()).register(registry).increment();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.warn("could not record the result of {} attempt {} yet: {}", intent.getNotificationId(), intent.getAttempt(),
                        e.toString());
                try {
                    Thread.sleep(Duration.ofSeconds(1).toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
