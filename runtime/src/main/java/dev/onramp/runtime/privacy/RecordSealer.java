package dev.onramp.runtime.privacy;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Seals the personal fields of records bound for the kept-forever topics (and the recipients), each record under its
 * key's subject (the topics are keyed by session id), and adds the record of each key it made to the same write: a sealed value is never
 * committed without its key.
 */
public final class RecordSealer {
    /** Seals nothing: personal data sealing is off. */
    public static final RecordSealer NONE = new RecordSealer(Set.of(), new SubjectKeys(1), Clock.systemUTC());

    private final Set<String> sealedTopics;
    private final SubjectKeys keys;
    private final Clock clock;

    public RecordSealer(Set<String> sealedTopics, SubjectKeys keys, Clock clock) {
        this.sealedTopics = Set.copyOf(sealedTopics);
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * Seals what ingest writes to the kept-forever topics, and the recipients: a recipient's old entries stay in the
     * compacted topic's log until the cleaner reaches them, and sealed they are unreadable from the erasure on.
     */
    public static RecordSealer forIngest(SubjectKeys keys, Clock clock) {
        return new RecordSealer(Set.of(Topics.WEBHOOKS_RAW.name(), Topics.SESSION_EVENTS.name(), Topics.RECIPIENTS.name()), keys, clock);
    }

    public SubjectKeys keys() {
        return keys;
    }

    public Sealing seal(List<ProducerRecord<String, ? extends SpecificRecord>> records) {
        if (sealedTopics.isEmpty()) {
            return new Sealing(records, List.of());
        }
        Map<String, SubjectKeys.Issued> issued = new LinkedHashMap<>();
        List<ProducerRecord<String, ? extends SpecificRecord>> sealed = new ArrayList<>(records.size() + 1);
        for (ProducerRecord<String, ? extends SpecificRecord> record : records) {
            if (record.value() == null || record.key() == null || !sealedTopics.contains(record.topic())
                    || !PersonalFields.holdsPersonal(record.value().getSchema())) {
                sealed.add(record);
                continue;
            }
            DataKey key = issued.computeIfAbsent(record.key(), keys::keyFor).key();
            sealed.add(new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), record.key(),
                    PersonalFields.seal(record.value(), key), record.headers()));
        }
        List<DataKey> made = issued.values().stream().filter(SubjectKeys.Issued::isNew).map(SubjectKeys.Issued::key).toList();
        List<ProducerRecord<String, ? extends SpecificRecord>> out = new ArrayList<>(made.size() + sealed.size());
        for (DataKey key : made) {
            out.add(new ProducerRecord<>(Topics.SUBJECT_KEYS.name(), key.keyId(), new SubjectKey(key.keyId(), key.subject(),
                    ByteBuffer.wrap(key.secret()), clock.instant())));
        }
        out.addAll(sealed);
        return new Sealing(out, made);
    }

    /** The records to write, the sealed ones and the new keys' records, and the keys to remember once committed. */
    public final class Sealing {
        private final List<ProducerRecord<String, ? extends SpecificRecord>> records;
        private final List<DataKey> made;

        Sealing(List<ProducerRecord<String, ? extends SpecificRecord>> records, List<DataKey> made) {
            this.records = records;
            this.made = made;
        }

        public List<ProducerRecord<String, ? extends SpecificRecord>> records() {
            return records;
        }

        /** The write committed: later records of these subjects use these keys. */
        public void committed() {
            made.forEach(keys::remember);
        }
    }
}
