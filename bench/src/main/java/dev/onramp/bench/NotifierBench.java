package dev.onramp.bench;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.simulate.ChannelStandIns;
import dev.onramp.devstack.simulate.LatencyStats;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.NotifierService;
import dev.onramp.notifier.push.VapidKeys;
import dev.onramp.runtime.Env;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.TransactionDetails;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Messages/s on one channel: emails to a real SMTP server (GreenMail), pushes to a local push endpoint (encrypted and
 * VAPID-signed for real), webhooks to a local endpoint that verifies each signature; and the latency the notifier adds
 * from outcome to the provider's acceptance.
 */
@Command(name = "notifier", mixinStandardHelpOptions = true,
        description = "Messages/s on one channel (email to GreenMail, push, webhook to local stand-ins) and outcome-to-accepted latency.")
public final class NotifierBench implements Callable<Integer> {
    /**
     * Recipients share a few mailboxes: GreenMail keeps one per address and looks them up one by one, so ten
     * thousand distinct addresses would measure GreenMail's bookkeeping, not the notifier.
     */
    private static final int MAILBOXES = 16;
    private static final Duration STALLED_AFTER = Duration.ofMinutes(1);
    private static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final VapidKeys.Generated VAPID = VapidKeys.generate();

    @Option(names = "--burst", description = "Outcomes produced at once for each throughput figure (default ${DEFAULT-VALUE}).")
    int burst = 3_000;
    @Option(names = "--connections", split = ",", description = "SMTP connections (K) to measure, one run each (default ${DEFAULT-VALUE}).")
    List<Integer> connections = List.of(1, 4, 16);
    @Option(names = "--warmup", description = "Outcomes sent and drained before the first figure, so the JIT has compiled the path "
            + "(default ${DEFAULT-VALUE}; 0 for none).")
    int warmup = 4_000;
    @Option(names = "--backlog", description = "Produce each run's outcomes before its notifier starts and time the drain, from the "
            + "first message the provider accepted to the last: the notifier's rate with no load generator running beside it.")
    boolean backlog;
    @Option(names = "--rate", description = "Outcomes per second for the latency figure (default ${DEFAULT-VALUE}).")
    int rate = 200;
    @Option(names = "--seconds", description = "Duration of the latency run (default ${DEFAULT-VALUE}).")
    int seconds = 30;
    @Option(names = "--channel", description = "EMAIL, PUSH or WEBHOOK (default ${DEFAULT-VALUE}).")
    Channel channel = Channel.EMAIL;
    @Option(names = "--interleaved", description = "Recipients registered as sessions start, outcomes minutes later in an order of "
            + "their own, recipient registrations arriving between them, a quarter of sessions never ending (NotifierWorkload); "
            + "default: every recipient first, then the outcomes in the same order.")
    boolean interleaved;
    @Option(names = "--open", description = "With --interleaved: recipients waiting in the store when the first outcome comes "
            + "(default ${DEFAULT-VALUE}: ten minutes of sessions at 200 per second).")
    int open = 120_000;
    @Option(names = "--smtp", description = "host:port of an SMTP server of your own instead of GreenMail in this JVM, e.g. "
            + "Postfix's smtp-sink (`smtp-sink -c 127.0.0.1:2525 1000`); sends are counted from the SENT records.")
    String smtp;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        MailServer mail = MailServer.of(smtp);
        try (BenchStack stack = new BenchStack(); ChannelStandIns standIns = new ChannelStandIns(WEBHOOK_SECRET);
             var producer = new KafkaProducer<String, SpecificRecord>(stack.connection.clientConfig(), new StringSerializer(),
                     new RegistryAvroSerializer<>(stack.connection.registryClient()))) {
            int latencyCount = rate * seconds;
            int total = warmup + burst * connections.size() + latencyCount;
            NotifierWorkload workload = interleaved ? NotifierWorkload.interleaved(total, open) : NotifierWorkload.backToBack(total);
            Inputs inputs = new Inputs(producer, workload, standIns);
            inputs.produce(workload.prelude());
            System.out.printf("%,d recipients registered before the first outcome; %,d in all for %,d outcomes%n",
                    workload.prelude().size(), workload.recipients(), total);
            String stateDir = Files.createTempDirectory("bench-notifier").toString();
            List<String> figures = new ArrayList<>();
            int next = 0;
            int lastK = connections.get(connections.size() - 1);
            List<Run> runs = new ArrayList<>();
            if (warmup > 0) {
                runs.add(new Run(lastK, warmup, true));
            }
            connections.forEach(k -> runs.add(new Run(k, burst, false)));
            for (int i = 0; i < runs.size(); i++) {
                Run run = runs.get(i);
                int k = run.connections();
                int count = run.outcomes();
                // One application throughout: each run continues from the last one's offsets and state.
                SentRecords sentRecords = new SentRecords(stack.connection, channel);
                if (backlog) {
                    inputs.produce(workload.slice(next, count));
                }
                try (sentRecords; NotifierService notifier = NotifierService.start(NotifierConfig.fromEnv(new Env(env(stack, mail, stateDir, k))))) {
                    Throughput throughput = backlog ? drained(sentRecords, count)
                            : burst(inputs, received(standIns, sentRecords), next, count);
                    double perSecond = throughput.perSecond();
                    ProcessCpu.Span span = throughput.cpu();
                    next += count;
                    if (run.warmUp()) {
                        System.out.printf("warm-up, K = %d: %.0f messages/s, %s%n", k, perSecond, span);
                        continue;
                    }
                    figures.add(String.format("K = %2d connections:   %.0f %s/s (%d outcomes %s, recipients known, %s); %s",
                            k, perSecond, channel.name().toLowerCase(Locale.ROOT) + " messages", count,
                            backlog ? "waiting before the notifier started" : "at once",
                            interleaved ? "interleaved with registrations" : "back to back", span));
                    // Once, after the last figure: its sessions come after every burst's, so no run repeats another's.
                    if (i == runs.size() - 1) {
                        LatencyStats latency = LatencyStats.of(latencies(stack, steady(inputs, next, latencyCount)));
                        next += latencyCount;
                        figures.add(String.format("outcome -> SENT recorded: %s at %d outcomes/s, K = %d (from each outcome's"
                                + " scheduled time: no coordinated omission)", latency, rate, k));
                    }
                }
            }
            System.out.printf("%nmachine: %d cores, Java %s; %s on loopback, exactly_once_v2%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), provider());
            figures.forEach(System.out::println);
        } finally {
            mail.stop();
        }
        return 0;
    }

    private void checkOptions() {
        if (connections.isEmpty() || connections.stream().anyMatch(k -> k < 1) || burst < 1 || warmup < 0 || rate < 1 || seconds < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--connections must list whole numbers of at least 1; --burst, --rate and --seconds must be at least 1");
        }
    }

    /** GreenMail in this JVM (it counts what it receives), or an SMTP server of the user's at {@code host:port}. */
    private record MailServer(String host, int port, GreenMail greenMail) {
        static MailServer of(String hostAndPort) {
            if (hostAndPort != null) {
                int colon = hostAndPort.lastIndexOf(':');
                return new MailServer(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)), null);
            }
            int port = FreePorts.pick();
            GreenMail greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            greenMail.start();
            return new MailServer("127.0.0.1", port, greenMail);
        }

        void stop() {
            if (greenMail != null) {
                greenMail.stop();
            }
        }
    }

    /** Writes the workload's records: a recipient for the channel measured, or an outcome. */
    private final class Inputs {
        private final KafkaProducer<String, SpecificRecord> producer;
        private final NotifierWorkload workload;
        private final ChannelStandIns standIns;

        Inputs(KafkaProducer<String, SpecificRecord> producer, NotifierWorkload workload, ChannelStandIns standIns) {
            this.producer = producer;
            this.workload = workload;
            this.standIns = standIns;
        }

        void produce(List<NotifierWorkload.Input> inputs) {
            inputs.forEach(this::send);
            producer.flush();
        }

        void send(NotifierWorkload.Input input) {
            producer.send(input.outcome()
                    ? new ProducerRecord<>(Topics.SESSION_OUTCOMES.name(), input.session(), outcome(input.session()))
                    : new ProducerRecord<>(Topics.RECIPIENTS.name(), input.session(), recipient(input.index(), input.session(), standIns)));
        }
    }

    /** Only the channel measured: email, a push subscription, or the session's own webhook URL. */
    private SessionRecipient recipient(int i, String session, ChannelStandIns standIns) {
        SessionRecipient.Builder recipient = SessionRecipient.newBuilder().setSessionId(session)
                .setLocale(i % 2 == 0 ? "en" : "es").setUpdatedAt(Instant.now());
        switch (channel) {
            case PUSH -> recipient.setPushSubscription(standIns.pushSubscription(session));
            case WEBHOOK -> recipient.setWebhookUrl(standIns.webhookUrl());
            default -> recipient.setEmail("buyer" + i % MAILBOXES + "@example.com");
        }
        return recipient.build();
    }

    private String provider() {
        return switch (channel) {
            case PUSH -> "push endpoint (aes128gcm per message, a VAPID JWT per push service)";
            case WEBHOOK -> "webhook endpoint verifying each Standard Webhooks signature";
            default -> smtp == null ? "GreenMail SMTP" : "SMTP server at " + smtp;
        };
    }

    private static Map<String, String> env(BenchStack stack, MailServer mail, String stateDir, int connections) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", stack.broker.bootstrapServers(), "SCHEMA_REGISTRY_URL", stack.registry.url(),
                "NOTIFIER_HOST", "127.0.0.1", "NOTIFIER_PORT", "0", "NOTIFIER_APPLICATION_ID", "bench-notifier",
                "NOTIFIER_STATE_DIR", stateDir, "SMTP_CONNECTIONS", String.valueOf(connections),
                "SMTP_HOST", mail.host(), "SMTP_PORT", String.valueOf(mail.port()), "SMTP_STARTTLS", "false"));
        env.putAll(Map.of("PUSH_CONNECTIONS", String.valueOf(connections), "WEBHOOK_CONNECTIONS", String.valueOf(connections),
                "VAPID_PUBLIC_KEY", VAPID.publicKey(), "VAPID_PRIVATE_KEY", VAPID.privateKey(),
                "PLATFORM_WEBHOOK_SECRETS", WEBHOOK_SECRET, "OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true"));
        return env;
    }

    /** How many messages the stand-in has received so far. */
    private interface Received {
        long count();
    }

    /** One throughput figure: K connections, that many outcomes; a warm-up's figure is printed, not reported. */
    private record Run(int connections, int outcomes, boolean warmUp) {
    }

    /** Messages/s and the process's CPU per message. */
    private record Throughput(double perSecond, ProcessCpu.Span cpu) {
    }

    /**
     * What counts the messages that arrived: the stand-in, or for email the SENT records, written once the server
     * (GreenMail, or the user's own) accepted each message. Polling GreenMail's list instead copies every message
     * each time and took a core.
     */
    private Received received(ChannelStandIns standIns, SentRecords sentRecords) {
        return switch (channel) {
            case PUSH -> standIns::pushes;
            case WEBHOOK -> standIns::webhooksVerified;
            default -> sentRecords::count;
        };
    }

    /** Messages/s for {@code count} outcomes produced at once, until the stand-in has them all. */
    private static Throughput burst(Inputs inputs, Received received, int from, int count) throws InterruptedException {
        long target = received.count() + count;
        ProcessCpu cpu = ProcessCpu.start();
        long began = System.nanoTime();
        inputs.produce(inputs.workload.slice(from, count));
        awaitAll(received, target);
        return new Throughput(count / ((System.nanoTime() - began) / 1e9), cpu.stop(count));
    }

    /** A backlog the notifier found waiting: from the provider's first acceptance to its last. */
    private static Throughput drained(SentRecords sentRecords, int count) throws InterruptedException {
        awaitAll(sentRecords::count, count);
        return new Throughput(sentRecords.perSecondBetweenFirstAndLast(), sentRecords.cpuSinceFirst());
    }

    /** Until {@code target} arrived; fails once a minute passes with none arriving, whatever the run's size. */
    private static void awaitAll(Received received, long target) throws InterruptedException {
        long seen = received.count();
        long lastProgress = System.nanoTime();
        while (seen < target) {
            if (System.nanoTime() - lastProgress > STALLED_AFTER.toNanos()) {
                throw new IllegalStateException("no message arrived for " + STALLED_AFTER.toSeconds() + " s: " + seen + " of "
                        + target + " (the notifier's log says why)");
            }
            Thread.sleep(5);
            long now = received.count();
            if (now > seen) {
                seen = now;
                lastProgress = System.nanoTime();
            }
        }
    }

    /**
     * Outcomes on a fixed schedule, the recipients registered between them sent right before each; each session's time
     * is when its outcome was due to be sent, not when it was.
     */
    private Map<String, Long> steady(Inputs inputs, int from, int count) {
        Map<String, Long> scheduledAt = new ConcurrentHashMap<>();
        long intervalNanos = 1_000_000_000L / rate;
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        int n = 0;
        for (NotifierWorkload.Input input : inputs.workload.slice(from, count)) {
            if (input.outcome()) {
                long due = startNanos + n++ * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                scheduledAt.put(input.session(), startMillis + (due - startNanos) / 1_000_000);
            }
            inputs.send(input);
        }
        inputs.producer.flush();
        return scheduledAt;
    }

    private static long[] latencies(BenchStack stack, Map<String, Long> sentAt) {
        Map<String, Object> config = new HashMap<>(stack.connection.clientConfig());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-latency-reader");
        List<Long> micros = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new RegistryAvroDeserializer<>(NotificationRecord.class, stack.connection.registryClient()))) {
            consumer.subscribe(List.of(Topics.NOTIFICATIONS.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (micros.size() < sentAt.size() && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    Long sent = sentAt.get(record.key());
                    if (sent != null && record.value().getStatus() == DeliveryStatus.SENT) {
                        micros.add((record.value().getAt().toEpochMilli() - sent) * 1000);
                    }
                }
            }
        }
        return micros.stream().mapToLong(Long::longValue).toArray();
    }

    private static SessionOutcome outcome(String session) {
        return SessionOutcome.newBuilder().setSessionId(session).setOutcome(OutcomeKind.FULFILLED)
                .setPreviousStatus(SessionStatus.FULFILLMENT_PROCESSING).setOccurredAt(Instant.now())
                .setDecidingEventId("evt_" + session).setLivemode(false)
                .setTransactionDetails(TransactionDetails.newBuilder().setDestinationAmount("0.5").setDestinationCurrency("eth")
                        .setDestinationNetwork("ethereum").setSourceAmount("1500.00").setSourceCurrency("usd")
                        .setTransactionId("0xc2573af6b3a18e6f7c0e1cccc187a483f61d72cbb421f7166970d3ab45731a95")
                        .setWalletAddress("0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2").build())
                .build();
    }
}
