package dev.onramp.runtime.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import dev.onramp.runtime.privacy.RecordSealer;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.schemas.serde.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each request's records atomically (all of them or none) and says when the broker has them.
 *
 * <p>Group commit over a few transactional producers ("lanes"): every request that arrives while a lane is
 * committing waits in a shared queue, and the next free lane takes all of them into its next transaction. A
 * request's records are never split across transactions, so "both the raw webhook and the session event, or
 * neither" holds, while one commit serves many requests and several commits overlap. A Kafka transaction costs
 * a round of marker writes whatever its size; this is what lets ingest keep up.
 *
 * <p>A lane may wait a little ({@code linger}) after the first request of a transaction before taking the queue, so
 * that at moderate rates a transaction carries several requests instead of one: a transaction costs the broker and the
 * client about as much CPU as a few dozen records (AddPartitionsToTxn, EndTxn, the coordinator's log writes, a marker
 * per partition), and at rates where each request would get its own transaction that cost is most of ingest's. One
 * lane collects at a time, so lanes do not split the requests between them while they wait; when requests queue
 * up anyway (commits slower than arrivals) the first one is older than the linger and nobody waits. The wait also
 * ends as soon as {@code lingerRequests} requests are waiting: a transaction that size is as cheap per request as one
 * gets, so a longer linger can save CPU at moderate rates without capping throughput at
 * (connections ÷ linger) when the clients are many.
 *
 * <p>Values are serialized on the caller's thread (the registry lookups are cached), so a bad record fails only
 * its own request, and the lanes only move bytes.
 */
public final class TransactionalEventWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionalEventWriter.class);
    private static final int MAX_REQUESTS_PER_TRANSACTION = 2_000;

    private final RegistryAvroSerializer<SpecificRecord> serializer;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Lane> lanes = new ArrayList<>();
    private final Lock collecting = new ReentrantLock();
    private final long lingerNanos;
    private final int lingerRequests;
    /** The lane waiting out its linger, woken early when enough requests wait. */
    private volatile Thread lingering;
    private volatile boolean running = true;
    /** Seals personal fields on their way to the kept-forever topics. */
    private volatile RecordSealer sealer = RecordSealer.NONE;

    /**
     * @param transactionalId base of the lanes' transactional ids ({@code <id>-0}, {@code <id>-1}, ...): stable per
     *                        instance, so a restarted instance fences its predecessor's open transactions
     */
    public TransactionalEventWriter(Map<String, Object> clientConfig, String transactionalId, int laneCount,
                                    SchemaRegistry registry, Duration blockTimeout) {
        this(clientConfig, transactionalId, laneCount, registry, blockTimeout, Duration.ZERO);
    }

    /** @param linger how long a transaction's first request may wait for others to join it */
    public TransactionalEventWriter(Map<String, Object> clientConfig, String transactionalId, int laneCount,
                                    SchemaRegistry registry, Duration blockTimeout, Duration linger) {
        this(clientConfig, transactionalId, laneCount, registry, blockTimeout, linger, Integer.MAX_VALUE);
    }

    /**
     * @param linger         how long a transaction's first request may wait for others to join it
     * @param lingerRequests how many requests end that wait early
     */
    public TransactionalEventWriter(Map<String, Object> clientConfig, String transactionalId, int laneCount,
                                    SchemaRegistry registry, Duration blockTimeout, Duration linger, int lingerRequests) {
        this.lingerNanos = linger.toNanos();
        this.lingerRequests = lingerRequests;
        this.serializer = new RegistryAvroSerializer<>(registry);
        this.serializer.configure(Map.of(), false);
        for (int i = 0; i < laneCount; i++) {
            Lane lane = new Lane(producerConfig(clientConfig, transactionalId + "-" + i, blockTimeout));
            lanes.add(lane);
            Thread thread = new Thread(lane, "ingest-writer-" + i);
            thread.setDaemon(true);
            lane.thread = thread;
            thread.start();
        }
    }

    private static Map<String, Object> producerConfig(Map<String, Object> clientConfig, String transactionalId, Duration blockTimeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Bounded blocking: with Kafka gone, calls fail after this instead of hanging a lane.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) blockTimeout.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) blockTimeout.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) blockTimeout.toMillis() + 2_000);
        // A transaction never outlives the wait for Kafka (then it is aborted and the request answered 503), so a few
        // seconds over it suffice; a pod replaced by one with another transactional id leaves its open transaction
        // hiding the partitions it touched from read_committed readers for this long.
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) blockTimeout.toMillis() + 5_000);
        // Right after a commit the coordinator may still be writing markers and answers the next transaction's
        // first send with CONCURRENT_TRANSACTIONS; the default 100 ms backoff would stall every lane that long.
        config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
        config.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 100);
        return config;
    }

    /** Seals the personal fields of what this writer writes from now on (ingest's writer; see {@link RecordSealer}). */
    public TransactionalEventWriter sealingWith(RecordSealer recordSealer) {
        this.sealer = recordSealer;
        return this;
    }

    /**
     * Writes the records in one transaction and waits up to {@code timeout} for the commit.
     *
     * @throws WriteFailed when they were not committed within the time; they may still commit later, which is
     *                     safe because the caller answers 503 and Stripe's redelivery carries the same event id
     */
    public void write(List<ProducerRecord<String, ? extends SpecificRecord>> records, Duration timeout) throws WriteFailed {
        RecordSealer.Sealing sealing = sealer.seal(records);
        List<ProducerRecord<String, ? extends SpecificRecord>> written = sealing.records();
        List<ProducerRecord<byte[], byte[]>> bytes = new ArrayList<>(written.size());
        for (ProducerRecord<String, ? extends SpecificRecord> record : written) {
            byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
            byte[] value;
            try {
                value = serializer.serialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                throw new WriteFailed("could not serialize a record for " + record.topic() + ": " + e.getMessage(), e);
            }
            // The headers carry the trace context (see Tracing).
            bytes.add(new ProducerRecord<>(record.topic(), null, key, value, record.headers()));
        }
        Pending pending = new Pending(bytes, new CompletableFuture<>(), System.nanoTime());
        queue.add(pending);
        Thread waiting = lingering;
        if (waiting != null && queue.size() >= lingerRequests - 1) {
            LockSupport.unpark(waiting);
        }
        try {
            pending.done().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            sealing.committed();
        } catch (TimeoutException e) {
            pending.done().completeExceptionally(e);
            throw new WriteFailed("Kafka did not acknowledge within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new WriteFailed("Kafka refused the write: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriteFailed("interrupted while waiting for Kafka", e);
        }
    }

    /** Stops taking work, commits what is queued, and closes the producers. */
    @Override
    public void close() {
        running = false;
        for (Lane lane : lanes) {
            try {
                lane.thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One transactional producer and the thread that commits through it. */
    private final class Lane implements Runnable {
        private final Map<String, Object> config;
        private KafkaProducer<byte[], byte[]> producer;
        private Thread thread;

        Lane(Map<String, Object> config) {
            this.config = config;
        }

        @Override
        public void run() {
            List<Pending> batch = new ArrayList<>();
            while (running || !queue.isEmpty()) {
                batch.clear();
                try {
                    collect(batch);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                // A caller that already gave up has answered 503; Stripe will redeliver, so do not write it now.
                batch.removeIf(p -> p.done().isDone());
                if (!batch.isEmpty()) {
                    commit(batch);
                }
            }
            closeProducer(Duration.ofSeconds(5));
        }

        /** The next transaction's requests: the first to arrive, and all that arrived until it was {@code linger} old. */
        private void collect(List<Pending> batch) throws InterruptedException {
            collecting.lockInterruptibly();
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    return;
                }
                batch.add(first);
                // Published before the queue is looked at, so a request added meanwhile either is counted here or
                // finds this thread to wake.
                lingering = Thread.currentThread();
                try {
                    for (long wait; queue.size() < lingerRequests - 1
                            && (wait = first.queuedAt() + lingerNanos - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(this, wait);
                    }
                } finally {
                    lingering = null;
                }
                queue.drainTo(batch, MAX_REQUESTS_PER_TRANSACTION - 1);
            } finally {
                collecting.unlock();
            }
        }

        private void commit(List<Pending> batch) {
            try {
                if (producer == null) {
                    producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
                    producer.initTransactions();
                }
                producer.beginTransaction();
                for (Pending pending : batch) {
                    for (ProducerRecord<byte[], byte[]> record : pending.records()) {
                        producer.send(record);
                    }
                }
                producer.commitTransaction();
                batch.forEach(p -> p.done().complete(null));
            } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException fatal) {
                log.error("transactional producer cannot go on ({}); starting a new one", fatal.toString());
                fail(batch, fatal);
                closeProducer(Duration.ZERO);
            } catch (KafkaException | IllegalStateException e) {
                log.warn("transaction of {} request(s) failed: {}", batch.size(), e.toString());
                fail(batch, e);
                try {
                    if (producer != null) {
                        producer.abortTransaction();
                    }
                } catch (RuntimeException abortFailed) {
                    // The producer is in an unknown state (e.g. Kafka is down): a new one fences and aborts it.
                    closeProducer(Duration.ZERO);
                }
            }
        }

        private void closeProducer(Duration timeout) {
            if (producer != null) {
                try {
                    producer.close(timeout);
                } catch (RuntimeException e) {
                    log.debug("closing producer: {}", e.toString());
                }
                producer = null;
            }
        }
    }

    private static void fail(List<Pending> batch, Exception cause) {
        batch.forEach(p -> p.done().completeExceptionally(cause));
    }

    private record Pending(List<ProducerRecord<byte[], byte[]>> records, CompletableFuture<Void> done, long queuedAt) {
    }

    /** The records were not (yet) acknowledged: answer so that the sender retries. */
    public static final class WriteFailed extends Exception {
        public WriteFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
