package dev.onramp.devstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and aborts hanging transactions: a transaction that a partition still holds open while its coordinator no
 * longer drives it to an end. Such a transaction pins the partition's last stable offset for ever, so
 * {@code read_committed} consumers stop there; on {@code __consumer_offsets} it leaves a pending transactional offset
 * commit, and every consumer of that group waits in {@code fetchCommittedOffsets} (UNSTABLE_OFFSET_COMMIT).
 *
 * <p>Why a single-node broker gets them: when it is SIGKILLed between a transaction's PrepareCommit and its markers,
 * it comes back leading every partition at the leader epoch of its local metadata image until the controller fences
 * and unfences it. The transaction coordinator completes the prepared transaction during that window, records
 * CompleteCommit, and the markers it wrote in the old epoch do not survive the fence (evidence: every partition of
 * the transaction lacks its marker while {@code __transaction_state} holds CompleteCommit, written in the old
 * epoch). Kafka documents the same end state for a replica that lost its markers (KAFKA-20716) and gives operators
 * {@code kafka-transactions find-hanging} / {@code abort} (KIP-664); this class does the same at start-up.
 *
 * <p>Aborting is consistent only because none of the transaction's partitions got its marker: its outputs and its
 * offset commit all vanish, and the producer's successor re-processes the same input. A partition whose transaction
 * the coordinator still drives (Ongoing or Prepare*) is left to the coordinator.
 */
public final class HangingTransactions {
    private static final Logger log = LoggerFactory.getLogger(HangingTransactions.class);
    private static final Set<TransactionState> PREPARING = EnumSet.of(
            TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    /** One partition's open transaction, as the partition leader reports it. */
    public record OpenTransaction(TopicPartition partition, long producerId, int producerEpoch, int coordinatorEpoch,
                                  long startOffset) {
        AbortTransactionSpec abortSpec() {
            return new AbortTransactionSpec(partition, producerId, (short) producerEpoch, coordinatorEpoch);
        }
    }

    private HangingTransactions() {
    }

    /** Open transactions that no coordinator will end: their producer id is unknown, idle, or on other partitions. */
    public static List<OpenTransaction> find(Admin admin) {
        List<OpenTransaction> open = openTransactions(admin);
        if (open.isEmpty()) {
            return List.of();
        }
        Map<Long, TransactionDescription> byProducer = coordinatorView(admin);
        List<OpenTransaction> hanging = new ArrayList<>();
        for (OpenTransaction txn : open) {
            TransactionDescription coordinator = byProducer.get(txn.producerId());
            boolean driven = coordinator != null
                    && (coordinator.state() == TransactionState.ONGOING || PREPARING.contains(coordinator.state()))
                    && coordinator.topicPartitions().contains(txn.partition());
            if (!driven) {
                hanging.add(txn);
            }
        }
        return hanging;
    }

    /**
     * Aborts every transaction that is hanging now and still hanging, unchanged, {@code confirmAfter} later; returns
     * those it aborted, each logged at WARN. The second look is for live producers: while a coordinator aborts a
     * running producer's transaction (its producer re-initialised after a broker restart), the transaction can look
     * undriven for a moment, and ends by itself. A hanging one stays.
     */
    public static List<OpenTransaction> abortAll(Admin admin, Duration confirmAfter) throws InterruptedException {
        List<OpenTransaction> candidates = find(admin);
        if (candidates.isEmpty()) {
            return List.of();
        }
        Thread.sleep(confirmAfter.toMillis());
        List<OpenTransaction> hanging = new ArrayList<>(find(admin));
        hanging.retainAll(candidates);
        List<OpenTransaction> aborted = new ArrayList<>();
        for (OpenTransaction txn : hanging) {
            log.warn("aborting hanging transaction on {}: producer id {} epoch {} open since offset {}, and its "
                            + "coordinator no longer drives it (lost markers after an unclean broker stop, see KAFKA-20716)",
                    txn.partition(), txn.producerId(), txn.producerEpoch(), txn.startOffset());
            try {
                admin.abortTransaction(txn.abortSpec()).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                aborted.add(txn);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof InvalidProducerEpochException)) {
                    throw new IllegalStateException("Kafka did not abort the transaction on " + txn.partition() + ": "
                            + e.getCause(), e.getCause());
                }
                log.info("transaction on {} of producer id {} ended meanwhile (its epoch moved on)", txn.partition(),
                        txn.producerId());
            } catch (TimeoutException e) {
                throw new IllegalStateException("Kafka did not abort the transaction on " + txn.partition() + " in time", e);
            }
        }
        return aborted;
    }

    /** Waits until no transaction is being prepared (the coordinator's own recovery after a restart), bounded. */
    static void awaitCoordinatorsSettled(Admin admin, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean preparing = coordinatorView(admin).values().stream().anyMatch(d -> PREPARING.contains(d.state()));
            if (!preparing) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private static List<OpenTransaction> openTransactions(Admin admin) {
        Set<String> topics = await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names(), "list topics");
        List<TopicPartition> partitions = new ArrayList<>();
        await(admin.describeTopics(topics).allTopicNames(), "describe topics").forEach((name, description) -> {
            for (TopicPartitionInfo p : description.partitions()) {
                partitions.add(new TopicPartition(name, p.partition()));
            }
        });
        List<OpenTransaction> open = new ArrayList<>();
        await(admin.describeProducers(partitions).all(), "describe producers").forEach((partition, producers) ->
                producers.activeProducers().forEach(p -> p.currentTransactionStartOffset().ifPresent(start ->
                        open.add(new OpenTransaction(partition, p.producerId(), p.producerEpoch(),
                                p.coordinatorEpoch().orElse(-1), start)))));
        return open;
    }

    private static Map<Long, TransactionDescription> coordinatorView(Admin admin) {
        List<String> ids = new ArrayList<>();
        for (TransactionListing listing : await(admin.listTransactions().all(), "list transactions")) {
            ids.add(listing.transactionalId());
        }
        Map<Long, TransactionDescription> byProducer = new HashMap<>();
        if (!ids.isEmpty()) {
            await(admin.describeTransactions(ids).all(), "describe transactions")
                    .values().forEach(d -> byProducer.put(d.producerId(), d));
        }
        return byProducer;
    }

    private static <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not " + what + ": " + e.getMessage(), e);
        }
    }
}
