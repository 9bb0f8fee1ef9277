package dev.onramp.devstack.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import dev.onramp.devstack.LocalKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class TopicLogSizesIntegrationTest {

    @Test
    void theGrowthOfEachTopicIsWhatWasWrittenToItAndNothingForTheOthers() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.startEphemeral();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("written", 3, (short) 1), new NewTopic("untouched", 1, (short) 1)))
                    .all().get();
            TopicLogSizes before = TopicLogSizes.of(admin);

            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 200; i++) {
                    producer.send(new ProducerRecord<>("written", i % 3, null, new byte[1_000])).get();
                }
            }
            Map<String, Long> growth = TopicLogSizes.of(admin).growthSince(before);

            // 200 values of 1,000 bytes, each in its own batch (linger 0, one at a time): 61 bytes of batch header
            // and a few of record framing each.
            assertThat(growth.get("written")).isBetween(200L * 1_000, 200L * 1_100);
            assertThat(growth).doesNotContainKey("untouched");
        }
    }
}
