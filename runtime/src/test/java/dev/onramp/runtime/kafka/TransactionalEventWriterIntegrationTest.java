package dev.onramp.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.onramp.schemas.RawWebhook;
import dev.onramp.testkit.DevStackExtension;
import dev.onramp.testkit.OpenTransactions;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The group commit on a real broker. Each committed transaction leaves one control marker in the partition, so on a
 * one-partition topic the end offset minus the records written is the number of transactions.
 */
class TransactionalEventWriterIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void aBurstWithinTheLingerSharesOneTransactionOrTwo() throws Exception {
        String topic = topic("burst");
        int requests = 20;
        try (TransactionalEventWriter writer = writer(Duration.ofMillis(300))) {
            writer.write(List.of(record(topic, -1)), TIMEOUT);  // the producer's start-up, out of the count
            long before = endOffset(topic);
            ExecutorService callers = Executors.newFixedThreadPool(requests);
            CountDownLatch ready = new CountDownLatch(requests);
            List<Future<Long>> took = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int n = i;
                took.add(callers.submit(() -> {
                    ready.countDown();
                    ready.await();
                    long began = System.nanoTime();
                    writer.write(List.of(record(topic, n)), TIMEOUT);
                    return (System.nanoTime() - began) / 1_000_000;
                }));
            }
            for (Future<Long> f : took) {
                assertThat(f.get()).as("a request waits at most the linger and a commit").isLessThan(5_000);
            }
            callers.shutdown();
            long transactions = endOffset(topic) - before - requests;
            assertThat(transactions).isBetween(1L, 2L);
        }
    }

    @Test
    void enoughWaitingRequestsEndTheLingerEarlyInOneTransaction() throws Exception {
        String topic = topic("count");
        int requests = 8;
        // A linger no test would wait for: only the count can end it.
        try (TransactionalEventWriter writer = writer(Duration.ofSeconds(60), requests)) {
            long before = endOffset(topic);
            ExecutorService callers = Executors.newFixedThreadPool(requests);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int n = i;
                done.add(callers.submit(() -> {
                    writer.write(List.of(record(topic, n)), TIMEOUT);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();  // within TIMEOUT (20 s), a third of the linger
            }
            callers.shutdown();
            assertThat(endOffset(topic) - before - requests).as("transactions").isEqualTo(1);
        }
    }

    @Test
    void withoutTheLingerRequestsOneAfterTheOtherEachGetTheirOwnTransaction() throws Exception {
        String topic = topic("sequential");
        try (TransactionalEventWriter writer = writer(Duration.ZERO)) {
            writer.write(List.of(record(topic, -1)), TIMEOUT);
            long before = endOffset(topic);
            for (int i = 0; i < 10; i++) {
                writer.write(List.of(record(topic, i)), TIMEOUT);
            }
            assertThat(endOffset(topic) - before - 10).isEqualTo(10);
        }
    }

    @Test
    void aLoneRequestWaitsOutTheLingerAndIsThenCommitted() throws Exception {
        String topic = topic("lone");
        try (TransactionalEventWriter writer = writer(Duration.ofMillis(400))) {
            writer.write(List.of(record(topic, -1)), TIMEOUT);
            long began = System.nanoTime();
            writer.write(List.of(record(topic, 1)), TIMEOUT);
            assertThat((System.nanoTime() - began) / 1_000_000).isGreaterThanOrEqualTo(400);
            assertThat(endOffset(topic)).isEqualTo(4);  // two records, two markers
        }
    }

    private static TransactionalEventWriter writer(Duration linger) {
        return writer(linger, Integer.MAX_VALUE);
    }

    private static TransactionalEventWriter writer(Duration linger, int lingerRequests) {
        KafkaConnection kafka = KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl());
        return new TransactionalEventWriter(kafka.producerConfig(), "writer-test-" + System.nanoTime(), 2,
                kafka.registryClient(), Duration.ofSeconds(10), linger, lingerRequests);
    }

    private static String topic(String name) throws Exception {
        String topic = "writer-test-" + name + "-" + System.nanoTime();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", STACK.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        return topic;
    }

    /** The end offset once every committed transaction's marker is in the partition ({@link OpenTransactions}). */
    private static long endOffset(String topic) throws Exception {
        Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20))
                .until(() -> OpenTransactions.noneIn(STACK.bootstrapServers(), topic));
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", STACK.bootstrapServers()))) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
        }
    }

    private static ProducerRecord<String, ? extends SpecificRecord> record(String topic, int n) {
        RawWebhook raw = RawWebhook.newBuilder().setEventId("evt_" + n).setEventType("test").setSessionId(null)
                .setPayload("{}").setBodySha256("0".repeat(64)).setSignatureHeader("t=1,v1=0").setVerifiedBy("1:test")
                .setReceivedAt(Instant.now()).build();
        return new ProducerRecord<>(topic, "key", raw);
    }
}
