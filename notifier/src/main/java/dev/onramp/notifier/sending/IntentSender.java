package dev.onramp.notifier.sending;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.onramp.notifier.deciding.ProviderAnswer;
import dev.onramp.notifier.deciding.NotificationChannel;
import dev.onramp.runtime.HealthCheck;
import dev.onramp.runtime.privacy.KeyStore;
import dev.onramp.runtime.kafka.GroupLiveness;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.NotificationIntent;
import dev.onramp.schemas.SendResult;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Sends what the notifier's Streams app decided, outside any Kafka transaction: reads committed intents, sends each
 * on one of {@code connections} workers (one provider connection each), and writes each result the moment the
 * provider answered, acknowledged by Kafka before that worker takes its next intent.
 *
 * <p>So a crash repeats at most the sends in flight, one per worker: the restarted sender reads the same intents
 * again, finds the results of all the others (see {@link SentLedger}), and sends only those that had none. A
 * repeated message has the same Message-ID (derived from the notification id), which receiving systems use to
 * drop it.
 *
 * <p>Each send waits its turn at the {@link SendGate}: a circuit breaker that pauses sending while the provider
 * fails most attempts (intents wait with the sender instead of each using up a retry), and a rate limit.
 */
public final class IntentSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IntentSender.class);

    /**
     * How one channel's sender sends. {@code ratePerSecond} 0: no limit. Each channel has its own consumer group,
     * workers, breaker and health, so a slow webhook endpoint or a push-service outage never holds back email.
     */
    public record Settings(Channel channel, int connections, double ratePerSecond, Duration breakerOpenFor, Duration degradedAfter,
                           String groupId, String instanceId) {
    }

    private final Settings settings;
    private final Clock clock;
    private final KafkaConsumer<String, NotificationIntent> intents;
    private final ResultWriter results;
    private final SentLedger ledger;
    private final ExecutorService workers;
    private final ThreadLocal<NotificationChannel> workerChannels;
    private final Collection<NotificationChannel> openChannels = new ConcurrentLinkedQueue<>();
    private final SendGate gate;
    private final SenderHealth health;
    private final SenderMetrics metrics;
    private final Thread loop;
    private final SendSpans spans;
    private volatile boolean running = true;
    private final OpenedNotifications notifications;

    IntentSender(KafkaConnection kafka, Settings settings, Supplier<NotificationChannel> connection, SentLedger ledger,
                 ResultWriter results, MeterRegistry registry, Clock clock, SendSpans spans, KeyStore keys) {
        this.settings = settings;
        this.notifications = new OpenedNotifications(keys);
        this.spans = spans;
        this.clock = clock;
        this.intents = new KafkaConsumer<>(consumerConfig(kafka, settings), new StringDeserializer(),
                new RegistryAvroDeserializer<>(NotificationIntent.class, kafka.registryClient()));
        this.ledger = ledger;
        this.results = results;
        String name = "sender-" + settings.channel().name().toLowerCase(Locale.ROOT);
        AtomicInteger threadNo = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.connections(), r -> new Thread(r, name + "-" + threadNo.incrementAndGet()));
        this.workerChannels = ThreadLocal.withInitial(() -> {
            NotificationChannel mine = connection.get();
            openChannels.add(mine);
            return mine;
        });
        this.gate = new SendGate(name, settings.ratePerSecond(), settings.breakerOpenFor());
        this.health = new SenderHealth("sending " + settings.channel().name().toLowerCase(Locale.ROOT), settings.degradedAfter(),
                System::nanoTime);
        this.metrics = new SenderMetrics(registry, settings.channel().name(), gate);
        this.loop = new Thread(this::run, name);
    }

    public IntentSender start() {
        loop.start();
        return this;
    }

    public HealthCheck health() {
        return health;
    }

    private void run() {
        try {
            intents.subscribe(List.of(Topics.NOTIFICATION_INTENTS.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // Offsets are committed after every batch; nothing is held between batches.
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // Another instance may have sent some of these partitions' intents since we last looked.
                    ledger.catchUp();
                }
            });
            while (running) {
                ConsumerRecords<String, NotificationIntent> batch = intents.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    sendAll(batch);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("sending stopped: {}", e.toString(), e);
        }
    }

    /** Sends a batch on the workers, keeping the group membership alive while they work, then commits it (unless closing). */
    private void sendAll(ConsumerRecords<String, NotificationIntent> batch) {
        List<Future<?>> sends = new ArrayList<>();
        for (ConsumerRecord<String, NotificationIntent> record : batch) {
            if (record.value().getChannel() == settings.channel()) {
                sends.add(workers.submit(() -> handle(record)));
            }
        }
        intents.pause(intents.assignment());
        try {
            for (Future<?> send : sends) {
                awaitKeepingMembership(send);
            }
        } finally {
            intents.resume(intents.assignment());
        }
        if (!running) {
            // Closing: a worker stops waiting for its turn once closing begins, so some of the batch may be unsent.
            // Left uncommitted, the whole batch goes to the partitions' next owner, which skips what the ledger shows
            // as sent.
            return;
        }
        SentBatch.commit(intents, batch, loop.getName());
    }

    /**
     * Waits for one send; a poll (of paused partitions: it returns nothing) now and then tells the group this
     * consumer is alive even when a slow server holds the batch for minutes.
     */
    private void awaitKeepingMembership(Future<?> send) {
        while (true) {
            try {
                send.get(1, TimeUnit.SECONDS);
                return;
            } catch (TimeoutException e) {
                intents.poll(Duration.ZERO);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                // handle() reports its own failures; nothing is thrown out of it but a bug, already logged.
                return;
            }
        }
    }

    /** The send is a span of the trace the intent carries; its result record carries the send's span on. */
    private void handle(ConsumerRecord<String, NotificationIntent> record) {
        NotificationIntent intent = record.value();
        Span span = spans.start(record);
        Headers trace = spans.carry(span);
        try (MDC.MDCCloseable session = MDC.putCloseable("session_id", intent.getSessionId());
             MDC.MDCCloseable id = MDC.putCloseable("notification_id", intent.getNotificationId());
             var logged = spans.inLogs(span)) {
            if (ledger.wasSent(intent.getNotificationId())) {
                SendSpans.skipped(span, "already_sent");
                report(intent, SendResult.ALREADY_SENT, null, "sent before", trace);
            } else if (ledger.wasAttempted(intent.getNotificationId(), intent.getAttempt())) {
                SendSpans.skipped(span, "already_attempted");
                log.debug("{} attempt {} already has a result", intent.getNotificationId(), intent.getAttempt());
            } else {
                send(intent, span, trace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            SendSpans.failed(span, e);
            log.error("sending {} failed unexpectedly: {}", intent.getNotificationId(), e.toString(), e);
        } finally {
            span.end();
        }
    }

    private void send(NotificationIntent intent, Span span, Headers trace) throws InterruptedException {
        if (!gate.awaitTurn(() -> running)) {
            return;
        }
        if (!clock.instant().isBefore(intent.getDeliverBy())) {
            gate.unused();
            SendSpans.skipped(span, "expired");
            report(intent, SendResult.EXPIRED, null, "the notify window ended at " + intent.getDeliverBy() + " before it could be sent",
                    trace);
            return;
        }
        NotificationChannel channel = workerChannels.get();
        metrics.inFlight(1);
        long began = System.nanoTime();
        ProviderAnswer result;
        try {
            result = notifications.deliver(intent, channel);
        } finally {
            metrics.inFlight(-1);
        }
        long took = System.nanoTime() - began;
        gate.observe(result, took);
        health.observe(result);
        SendSpans.answered(span, result);
        results.write(intent, result, trace, () -> running);
        metrics.sent(took);
    }

    private void report(NotificationIntent intent, SendResult outcome, String providerMessageId, String reason, Headers trace) {
        results.write(intent, outcome, providerMessageId, reason, null, trace, () -> running);
    }

    private static Map<String, Object> consumerConfig(KafkaConnection kafka, Settings settings) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.instanceId());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Small batches: each is sent, then committed, so a batch is also how much a restart reads again.
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(8, settings.connections() * 4));
        GroupLiveness.applyTo(config);
        return config;
    }

    @Override
    public void close() {
        running = false;
        intents.wakeup();
        try {
            loop.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdown();
        try {
            workers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        intents.close();
        openChannels.forEach(NotificationChannel::close);
    }
}
