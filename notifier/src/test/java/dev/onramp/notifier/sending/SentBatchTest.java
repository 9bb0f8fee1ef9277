package dev.onramp.notifier.sending;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.Test;

class SentBatchTest {
    private static final TopicPartition PARTITION = new TopicPartition("onramp.notification-intents.v1", 0);
    private final ConsumerRecords<String, String> batch = new ConsumerRecords<>(Map.of(PARTITION,
            List.of(new ConsumerRecord<>(PARTITION.topic(), 0, 7, "cos_1", "a"), new ConsumerRecord<>(PARTITION.topic(), 0, 8, "cos_2", "b"))));

    @Test
    void commitsThePositionAfterTheBatchsLastRecord() {
        MockConsumer<String, String> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        consumer.assign(List.of(PARTITION));

        SentBatch.commit(consumer, batch, "sender-email");

        assertThat(consumer.committed(Set.of(PARTITION))).containsEntry(PARTITION, new OffsetAndMetadata(9));
    }

    @Test
    void aCommitRefusedByARebalanceLeavesTheLaneRunning() {
        assertThatCode(() -> SentBatch.commit(refusing(new RebalanceInProgressException("rebalancing")), batch, "sender-push"))
                .doesNotThrowAnyException();
    }

    @Test
    void anyOtherCommitFailureStillStopsTheLane() {
        assertThatThrownBy(() -> SentBatch.commit(refusing(new KafkaException("fatal")), batch, "sender-push"))
                .isInstanceOf(KafkaException.class);
    }

    private static MockConsumer<String, String> refusing(KafkaException failure) {
        return new MockConsumer<>(OffsetResetStrategy.EARLIEST) {
            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                throw failure;
            }
        };
    }
}
