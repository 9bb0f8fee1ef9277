package dev.onramp.runtime.streams;

import java.util.Map;
import java.util.Optional;

import dev.onramp.schemas.PoisonStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' hook for records it cannot deserialize or process: set aside (resume, with the poison record in
 * the task's transaction) or fail (the thread is replaced and reads the record again). {@link PoisonRecords} decides.
 * Streams instantiates it by class name; the decision maker comes through the config under {@link #CONFIG}.
 */
public final class PoisonRecordHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    public static final String CONFIG = "onramp.poison.records";

    private PoisonRecords poison;

    @Override
    public void configure(Map<String, ?> configs) {
        Object configured = configs.get(CONFIG);
        if (!(configured instanceof PoisonRecords records)) {
            throw new IllegalStateException(CONFIG + " must hold the service's PoisonRecords");
        }
        this.poison = records;
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        Optional<ProducerRecord<byte[], byte[]>> entry = poison.setAside(context, PoisonStage.DESERIALIZATION, exception);
        return entry.isPresent()
                ? DeserializationExceptionHandler.Response.resume(entry.stream().toList())
                : DeserializationExceptionHandler.Response.fail();
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        Optional<ProducerRecord<byte[], byte[]>> entry = poison.setAside(context, PoisonStage.PROCESSING, exception);
        return entry.isPresent()
                ? ProcessingExceptionHandler.Response.resume(entry.stream().toList())
                : ProcessingExceptionHandler.Response.fail();
    }
}
