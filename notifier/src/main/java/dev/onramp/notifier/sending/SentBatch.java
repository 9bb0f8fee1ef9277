package dev.onramp.notifier.sending;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Commits a batch whose every intent was sent or recorded. */
final class SentBatch {
    private static final Logger log = LoggerFactory.getLogger(SentBatch.class);

    private SentBatch() {
    }

    /**
     * A commit refused because the group is rebalancing (a broker came back, a member joined) is not fatal to the
     * lane: it goes on polling, which completes the rebalance, and the partitions' next owner (perhaps this consumer)
     * reads the batch again and skips what the ledger shows as sent or attempted.
     */
    static <V> void commit(Consumer<String, V> consumer, ConsumerRecords<String, V> batch, String lane) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (TopicPartition partition : batch.partitions()) {
            List<ConsumerRecord<String, V>> records = batch.records(partition);
            done.put(partition, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
        }
        try {
            consumer.commitSync(done);
        } catch (RebalanceInProgressException | CommitFailedException e) {
            log.warn("{}: a sent batch's offsets were not committed ({}); its intents are read again after the rebalance and"
                    + " skipped where already sent", lane, e.toString());
        }
    }
}
