package dev.onramp.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HangingTransactionsIntegrationTest {
    private static final String EVENTS = "onramp.session-events.v1";

    /** The evidence of the wedged processor: before the fix, committed() timed out with UNSTABLE_OFFSET_COMMIT. */
    @Test
    void aBrokerBackOnTheWedgedDataLetsTheProcessorGroupReadItsOffsets(@TempDir Path dir) throws IOException {
        unpack("/wedged-after-sigkill/kafka.tgz", dir);
        try (LocalKafkaBroker broker = LocalKafkaBroker.startPersistent(dir.resolve("kafka"), FreePorts.pick());
             Admin admin = admin(broker)) {
            assertThat(HangingTransactions.find(admin)).isEmpty();

            Set<TopicPartition> events = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(EVENTS, p))
                    .collect(Collectors.toSet());
            try (KafkaConsumer<byte[], byte[]> processorGroup = readCommitted(broker, "onramp-processor")) {
                Map<TopicPartition, OffsetAndMetadata> committed = processorGroup.committed(events, Duration.ofSeconds(15));
                assertThat(committed.values()).allSatisfy(offset -> assertThat(offset).isNotNull());
            }
            TopicPartition state = new TopicPartition("onramp.session-state.v1", 0);
            try (KafkaConsumer<byte[], byte[]> reader = readCommitted(broker, "audit")) {
                long lastStable = reader.endOffsets(List.of(state)).get(state);
                assertThat(lastStable).as("last stable offset moves past the aborted transaction").isGreaterThan(512);
            }
        }
    }

    /** A transaction its coordinator still drives belongs to a live producer: it is not touched. */
    @Test
    void leavesALiveProducersOpenTransactionAlone() throws InterruptedException {
        try (LocalKafkaBroker broker = LocalKafkaBroker.startEphemeral(); Admin admin = admin(broker)) {
            broker.createTopic("live", 1, Map.of());
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "live-producer");
            try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("live", "k", "v"));
                producer.flush();

                assertThat(HangingTransactions.find(admin)).isEmpty();
                assertThat(HangingTransactions.abortAll(admin, Duration.ofMillis(100))).isEmpty();
                producer.commitTransaction();
            }
        }
    }

    private static Admin admin(LocalKafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static KafkaConsumer<byte[], byte[]> readCommitted(LocalKafkaBroker broker, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void unpack(String resource, Path into) throws IOException {
        try (InputStream in = HangingTransactionsIntegrationTest.class.getResourceAsStream(resource);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                }
            }
        }
    }
}
