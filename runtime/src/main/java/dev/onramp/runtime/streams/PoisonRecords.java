package dev.onramp.runtime.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import dev.onramp.schemas.PoisonRecord;
import dev.onramp.schemas.PoisonStage;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.SchemaRegistry;
import dev.onramp.schemas.serde.SchemaRegistryException;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what happens to an input record that a Streams service could not read or process, and builds its entry
 * on {@code onramp.poison-records.v1}.
 *
 * <p>A failure caused by the record itself (not Confluent-framed, an unknown schema id, a schema that does not
 * resolve to the contract, a value the rules cannot take) is set aside: the record goes to the poison topic in the
 * same transaction as the task's other output, so the partition moves on and nothing is lost. A failure that is not
 * the record's fault (the registry unreachable or refusing, a retriable Kafka error) must not set the record aside:
 * the task fails, its transaction aborts, and the replaced stream thread reads the same record again.
 */
public final class PoisonRecords {
    private static final Logger log = LoggerFactory.getLogger(PoisonRecords.class);
    public static final String ORIGIN_TOPIC = "onramp.origin.topic";
    public static final String ORIGIN_PARTITION = "onramp.origin.partition";
    public static final String ORIGIN_OFFSET = "onramp.origin.offset";
    public static final String ERROR_CLASS = "onramp.error.class";
    public static final String ERROR_MESSAGE = "onramp.error.message";
    private static final int MAX_MESSAGE = 1_000;

    private final String applicationId;
    private final Serializer<PoisonRecord> serializer;
    private final MeterRegistry metrics;

    public PoisonRecords(String applicationId, SchemaRegistry registry, MeterRegistry metrics) {
        this.applicationId = applicationId;
        this.serializer = Topics.POISON_RECORDS.valueSerde(registry).serializer();
        this.metrics = metrics;
    }

    /**
     * The poison-topic record for a failure that is the record's fault; empty when the failure is not (retry), or
     * when the entry itself cannot be written now (the registry is away: retry too).
     */
    public Optional<ProducerRecord<byte[], byte[]>> setAside(ErrorHandlerContext context, PoisonStage stage, Exception error) {
        String where = context.topic() + "-" + context.partition() + "@" + context.offset();
        if (context.topic() == null || !isRecordsFault(stage, error)) {
            log.warn("{}: {} of {} failed, and not because of the record: {}; the task fails and reads it again",
                    applicationId, stage.name().toLowerCase(Locale.ROOT), where, describe(error));
            return Optional.empty();
        }
        String message = truncate(String.valueOf(error.getMessage()));
        PoisonRecord entry = PoisonRecord.newBuilder()
                .setApplicationId(applicationId)
                .setOriginTopic(context.topic())
                .setOriginPartition(context.partition())
                .setOriginOffset(context.offset())
                .setOriginTimestamp(Instant.ofEpochMilli(Math.max(0, context.timestamp())))
                .setKey(wrap(context.sourceRawKey()))
                .setValue(wrap(context.sourceRawValue()))
                .setStage(stage)
                .setErrorClass(error.getClass().getName())
                .setErrorMessage(message)
                .setSetAsideAt(Instant.now())
                .build();
        byte[] value;
        try {
            value = serializer.serialize(Topics.POISON_RECORDS.name(), entry);
        } catch (SerializationException e) {
            log.warn("{}: cannot write the poison record for {} now ({}); the task fails and reads it again",
                    applicationId, where, e.getMessage());
            return Optional.empty();
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(ORIGIN_TOPIC, utf8(context.topic()));
        headers.add(ORIGIN_PARTITION, utf8(String.valueOf(context.partition())));
        headers.add(ORIGIN_OFFSET, utf8(String.valueOf(context.offset())));
        headers.add(ERROR_CLASS, utf8(error.getClass().getName()));
        headers.add(ERROR_MESSAGE, utf8(message));
        Counter.builder("onramp_poison_records")
                .description("input records set aside on onramp.poison-records.v1")
                .tag("application", applicationId).tag("topic", context.topic()).tag("stage", stage.name())
                .register(metrics).increment();
        log.warn("{}: set aside {} ({}: {}) on {}; processing goes on", applicationId, where,
                error.getClass().getSimpleName(), message, Topics.POISON_RECORDS.name());
        return Optional.of(new ProducerRecord<>(Topics.POISON_RECORDS.name(), null, context.sourceRawKey(), value, headers));
    }

    /** Whether the record itself is why reading or processing it failed, so that reading it again cannot help. */
    static boolean isRecordsFault(PoisonStage stage, Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException registry) {
                return registry.httpStatus() == 404;
            }
            if (t instanceof RetriableException || t instanceof KafkaKeyStore.Unavailable) {
                // The data keys unreadable for now is the platform's failure too: the record is read again.
                return false;
            }
        }
        if (stage == PoisonStage.PROCESSING) {
            // Kafka's own failures inside a processor (stores, producers, task migration) are the platform's.
            return !(error instanceof KafkaException) || error instanceof SerializationException;
        }
        return true;
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + ": " + truncate(String.valueOf(error.getMessage()));
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…";
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
