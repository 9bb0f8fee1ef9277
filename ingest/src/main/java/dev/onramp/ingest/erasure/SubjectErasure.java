package dev.onramp.ingest.erasure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Forgets a subject: every data key of theirs and their recipient entry, tombstoned in one transaction. What the keys
 * sealed, wherever it was copied, then opens to "[erased]". Behind the platform API and {@code onramp erase}: ingest's
 * principal is the one writer of the key topic.
 */
public final class SubjectErasure {
    private final KafkaKeyStore keys;
    private final TransactionalEventWriter writer;
    private final Duration timeout;

    public SubjectErasure(KafkaKeyStore keys, TransactionalEventWriter writer, Duration timeout) {
        this.keys = keys;
        this.writer = writer;
        this.timeout = timeout;
    }

    /** What one erasure deleted: the keys it found (0 when erased before) and the recipient entry. */
    public record Erased(String subject, int dataKeys) {
    }

    /**
     * @throws TransactionalEventWriter.WriteFailed when Kafka did not take the tombstones (nothing was erased, or all)
     * @throws KafkaKeyStore.Unavailable            when the keys could not be read
     */
    public Erased erase(String subject) throws TransactionalEventWriter.WriteFailed {
        List<String> keyIds = keys.keyIdsOf(subject);
        List<ProducerRecord<String, ? extends SpecificRecord>> tombstones = new ArrayList<>();
        keyIds.forEach(id -> tombstones.add(new ProducerRecord<>(Topics.SUBJECT_KEYS.name(), id, null)));
        tombstones.add(new ProducerRecord<>(Topics.RECIPIENTS.name(), subject, null));
        writer.write(tombstones, timeout);
        return new Erased(subject, keyIds.size());
    }
}
