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
 * principal is the one writer of the key topic. Erasures asked on the console are carried out by {@link ErasureRequests}.
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

    /** What erasing a subject deletes: every data key found (none when erased before) and the recipient entry. */
    public record Erased(String subject, List<String> keyIds) {
        public int dataKeys() {
            return keyIds.size();
        }

        /** A tombstone per data key and one for the recipient entry: to be written in one transaction. */
        public List<ProducerRecord<String, ? extends SpecificRecord>> tombstones() {
            List<ProducerRecord<String, ? extends SpecificRecord>> tombstones = new ArrayList<>();
            keyIds.forEach(id -> tombstones.add(new ProducerRecord<>(Topics.SUBJECT_KEYS.name(), id, null)));
            tombstones.add(new ProducerRecord<>(Topics.RECIPIENTS.name(), subject, null));
            return tombstones;
        }
    }

    /**
     * What erasing the subject now deletes, not yet written: for a caller that writes the tombstones in a transaction
     * of its own.
     *
     * @throws KafkaKeyStore.Unavailable when the keys could not be read
     */
    public Erased planFor(String subject) {
        return new Erased(subject, keys.keyIdsOf(subject));
    }

    /**
     * @throws TransactionalEventWriter.WriteFailed when Kafka did not take the tombstones (nothing was erased, or all)
     * @throws KafkaKeyStore.Unavailable            when the keys could not be read
     */
    public Erased erase(String subject) throws TransactionalEventWriter.WriteFailed {
        Erased erased = planFor(subject);
        writer.write(erased.tombstones(), timeout);
        return erased;
    }
}
