package dev.onramp.runtime.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.onramp.schemas.Topic;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a topic of commands (requests an operator recorded on the console) and carries each out exactly once: what a
 * command writes and the command's consumer offset go in one transaction, so a crash at any point either carries it
 * out again from the last committed command or has already carried it out. The service that owns the topics a command
 * writes runs the follower, so every topic keeps its one writer.
 *
 * <p>A transaction Kafka aborts, or a command that cannot be carried out now ({@link NotNow}), is a WARN and a call of
 * {@code onFailure}; the follower goes back to the last committed command and tries again two seconds later.
 *
 * @param <V> the command's record
 */
public final class CommandFollower<V extends SpecificRecord> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommandFollower.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    /** What one command writes, in its transaction, and what to do once that transaction is committed. */
    public record Effects(List<ProducerRecord<String, ? extends SpecificRecord>> records, Runnable committed) {
        public static final Effects NONE = new Effects(List.of(), () -> { });
    }

    /** Carries out one command: decides what it writes. Called again for the same command after a failure. */
    public interface Command<V> {
        Effects carryOut(ConsumerRecord<String, V> command);
    }

    /** A command that cannot be carried out now (what it reads is unavailable): it is tried again, never skipped. */
    public static final class NotNow extends RuntimeException {
        public NotNow(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String name;
    private final KafkaConsumer<String, V> commands;
    private final KafkaProducer<String, SpecificRecord> producer;
    private final Command<V> command;
    private final Runnable onFailure;
    private final ConsumerLoop loop;

    /**
     * @param name            what the commands are, for the log ("webhook redrives")
     * @param group           the consumer group: instances of one service share it and split the topic's partitions
     * @param transactionalId unique per instance; a second instance with the same id fences this one
     */
    public CommandFollower(String name, KafkaConnection kafka, String group, String transactionalId, Topic<V> topic,
                           Command<V> command, Runnable onFailure) {
        this.name = name;
        this.command = command;
        this.onFailure = onFailure;
        this.commands = new KafkaConsumer<>(ConsumerLoop.groupConsumerConfig(kafka, group, 20), new StringDeserializer(),
                new RegistryAvroDeserializer<>(topic.valueType(), kafka.registryClient()));
        Map<String, Object> config = new HashMap<>(kafka.producerConfig());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        RegistryAvroSerializer<SpecificRecord> values = new RegistryAvroSerializer<>(kafka.registryClient());
        values.configure(Map.of(), false);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), values);
        this.producer.initTransactions();
        this.commands.subscribe(List.of(topic.name()));
        this.loop = ConsumerLoop.start(name, commands, this::followOnce);
    }

    private void followOnce() throws InterruptedException {
        try {
            for (ConsumerRecord<String, V> record : commands.poll(Duration.ofMillis(500))) {
                carryOut(record);
            }
        } catch (ProducerFencedException e) {
            log.warn("{}: fenced by another instance with the same transactional id; this one stops carrying them out: {}",
                    name, e.getMessage());
            throw new InterruptedException("fenced");
        } catch (KafkaException | NotNow e) {
            if (e instanceof WakeupException wakeup) {
                throw wakeup;
            }
            log.warn("{}: {}; trying again from the last one carried out", name, e.toString());
            onFailure.run();
            rewind();
            Thread.sleep(RETRY_AFTER.toMillis());
        }
    }

    private void carryOut(ConsumerRecord<String, V> record) {
        Effects effects = command.carryOut(record);
        producer.beginTransaction();
        for (ProducerRecord<String, ? extends SpecificRecord> write : effects.records()) {
            @SuppressWarnings("unchecked")
            ProducerRecord<String, SpecificRecord> typed = (ProducerRecord<String, SpecificRecord>) write;
            producer.send(typed);
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)), commands.groupMetadata());
        producer.commitTransaction();
        effects.committed().run();
    }

    private void rewind() {
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException ignored) {
            // nothing open, or the producer must be recreated: the next transaction says which
        }
        Map<TopicPartition, OffsetAndMetadata> committed = commands.committed(commands.assignment());
        for (TopicPartition partition : commands.assignment()) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                commands.seek(partition, offset);
            } else {
                commands.seekToBeginning(List.of(partition));
            }
        }
    }

    @Override
    public void close() {
        loop.close();
        producer.close(Duration.ofSeconds(5));
    }
}
