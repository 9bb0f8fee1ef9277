package dev.onramp.runtime.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.testkit.DevStackExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The key store on a real broker, where a transaction's markers land partition by partition: a key whose transaction
 * is still open when it is looked for must be waited for, never taken as erased; an erased key stops opening.
 */
class KafkaKeyStoreIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    private static KafkaConnection kafka;

    @BeforeAll
    static void topic() {
        kafka = KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl());
        STACK.broker().createTopic(Topics.SUBJECT_KEYS.name(), 3, Topics.SUBJECT_KEYS.configs());
    }

    @Test
    void aKeyWhoseTransactionIsStillOpenIsWaitedForThenFound() throws Exception {
        DataKey key = DataKey.generate("cos_OpenTransaction00001");
        try (KafkaProducer<String, SubjectKey> producer = transactional("key-store-open");
             KafkaKeyStore store = store()) {
            producer.beginTransaction();
            producer.send(record(key));
            producer.flush();

            CompletableFuture<Optional<DataKey>> found = CompletableFuture.supplyAsync(() -> store.find(key.keyId()));
            // Longer than any fixed wait for markers would be: the store must wait for the transaction itself.
            Awaitility.await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                    .until(() -> !found.isDone());
            producer.commitTransaction();

            assertThat(found.get(30, TimeUnit.SECONDS)).as("found once committed, not taken as erased").contains(key);
            assertThat(store.keyOf(key.subject())).contains(key);
        }
    }

    @Test
    void aKeyNeverWrittenIsAbsentAndAnErasedKeyStopsOpening() throws Exception {
        DataKey key = DataKey.generate("cos_ErasedInTheStore0001");
        try (KafkaProducer<String, SubjectKey> producer = transactional("key-store-erase");
             KafkaKeyStore store = store()) {
            producer.beginTransaction();
            producer.send(record(key));
            producer.commitTransaction();
            assertThat(store.find(key.keyId())).contains(key);
            assertThat(store.find("key-never-written")).isEmpty();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.SUBJECT_KEYS.name(), key.keyId(), null));
            producer.commitTransaction();
            assertThat(store.keyIdsOf(key.subject())).as("an erasure reads to the end").isEmpty();
            assertThat(store.find(key.keyId())).isEmpty();
            assertThat(store.keyOf(key.subject())).isEmpty();
        }
    }

    private static KafkaKeyStore store() {
        return new KafkaKeyStore(kafka.clientConfig(), new RegistryAvroDeserializer<>(SubjectKey.class, kafka.registryClient()),
                Duration.ZERO);
    }

    private static ProducerRecord<String, SubjectKey> record(DataKey key) {
        return new ProducerRecord<>(Topics.SUBJECT_KEYS.name(), key.keyId(),
                new SubjectKey(key.keyId(), key.subject(), ByteBuffer.wrap(key.secret()), Instant.now()));
    }

    private static KafkaProducer<String, SubjectKey> transactional(String id) {
        Map<String, Object> config = new HashMap<>(kafka.producerConfig());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        RegistryAvroSerializer<SubjectKey> values = new RegistryAvroSerializer<>(kafka.registryClient());
        values.configure(Map.of(), false);
        KafkaProducer<String, SubjectKey> producer = new KafkaProducer<>(config, new StringSerializer(), values);
        producer.initTransactions();
        return producer;
    }
}
