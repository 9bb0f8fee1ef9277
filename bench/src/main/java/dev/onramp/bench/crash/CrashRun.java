package dev.onramp.bench.crash;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.onramp.audit.SentNotifications;
import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.simulate.ChannelStandIns;
import dev.onramp.devstack.simulate.OnrampSimulator;
import dev.onramp.devstack.simulate.SessionScript;
import dev.onramp.devstack.simulate.SimulationPlan;
import dev.onramp.notifier.push.VapidKeys;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.DeliveryStatus;
import dev.onramp.schemas.NotificationRecord;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Simulated Stripe traffic against a dev stack that is SIGKILLed {@code kills} times mid-run and restarted on the
 * same data, then every invariant counted from the topics (read_committed) and a real SMTP server: what the crash
 * test asserts and {@code onramp bench crash} prints.
 */
public final class CrashRun {
    private static final String SECRET = "whsec_crash_run_secret_0123456789";
    private static final String API_KEY = "crash-run-platform-key-0123456789";
    private static final String PLATFORM_WEBHOOK_SECRET = "whsec_Y3Jhc2gtcnVuLXBsYXRmb3JtLXNlY3JldA==";

    /** What a kill takes away. */
    public enum Victim {
        /** {@code onramp dev} in a child JVM with its registry child: broker, registry and the three services. */
        WHOLE_STACK,
        /** The broker alone, in a child JVM; registry and services keep running and must come back by themselves. */
        BROKER,
        /**
         * On a three-node cluster (replication 3, min ISR 2) in child JVMs, the node leading partition 0 of the events
         * topic; registry and services keep running.
         */
        EVENTS_LEADER
    }

    private final Path dataDir;
    private final Victim victim;
    private final SimulationPlan plan;
    private final int kills;
    private final Random random;
    private final double webhooksPerSecond;
    private final PrintStream log;

    private CrashRun(Path dataDir, Victim victim, SimulationPlan plan, int kills, Random random, double webhooksPerSecond,
                     PrintStream log) {
        this.dataDir = dataDir;
        this.victim = victim;
        this.plan = plan;
        this.kills = kills;
        this.random = random;
        this.webhooksPerSecond = webhooksPerSecond;
        this.log = log;
    }

    /** {@code sessions} Stripe-shaped lifecycles with every delivery quirk, 80 % with a recipient. */
    public static CrashRun of(Path dataDir, Victim victim, int sessions, int kills, long seed, double webhooksPerSecond,
                              PrintStream log) {
        SimulationPlan plan = SimulationPlan.generate(sessions, new SimulationPlan.Mix(0.6, 0.2, 0.8),
                SimulationPlan.Quirks.all(), seed);
        return new CrashRun(dataDir, victim, plan, kills, new Random(seed), webhooksPerSecond, log);
    }

    /** What a run counted. Every collection is empty when nothing was lost or told twice. */
    public record Report(long webhooksAccepted, long deliveriesRetried, long deliveriesGivenUp, List<Duration> readyAfterRestart,
                         int outcomes, Set<String> lostWebhooks, Set<String> terminalWithoutOutcome,
                         Map<String, Integer> duplicateOutcomes, Set<String> wrongOrUnexpectedOutcomes,
                         Set<String> missedNotifications, Set<String> emailsWithMoreThanOneMessageId,
                         int emails, int repeatedEmails, long pushes, long repeatedPushes, long webhooks, long repeatedWebhooks) {
        /** One restart follows each kill. */
        public int kills() {
            return readyAfterRestart.size();
        }

        public boolean ok() {
            return nothingLost() && nothingTwiceOrWrong();
        }

        private boolean nothingLost() {
            return deliveriesGivenUp == 0 && lostWebhooks.isEmpty() && terminalWithoutOutcome.isEmpty() && missedNotifications.isEmpty();
        }

        private boolean nothingTwiceOrWrong() {
            return duplicateOutcomes.isEmpty() && wrongOrUnexpectedOutcomes.isEmpty() && emailsWithMoreThanOneMessageId.isEmpty();
        }

        public String summary() {
            List<Long> ready = readyAfterRestart.stream().map(Duration::toMillis).sorted().toList();
            return String.format("webhooks accepted %d, retried %d, given up %d; kills %d; outcomes %d; lost %d; terminal without "
                            + "outcome %d; duplicate outcomes %d; wrong or unexpected outcomes %d; missed notifications %d; "
                            + "emails %d, repeated (same Message-ID) %d, second different email %d; pushes %d, repeated (same "
                            + "Topic) %d; platform webhooks %d, repeated (same webhook-id) %d; ready after restart "
                            + "p50 %s ms, max %s ms (all: %s)",
                    webhooksAccepted, deliveriesRetried, deliveriesGivenUp, kills(), outcomes, lostWebhooks.size(), terminalWithoutOutcome.size(),
                    duplicateOutcomes.size(), wrongOrUnexpectedOutcomes.size(), missedNotifications.size(), emails,
                    repeatedEmails, emailsWithMoreThanOneMessageId.size(), pushes, repeatedPushes, webhooks, repeatedWebhooks,
                    ready.isEmpty() ? "-" : ready.get(ready.size() / 2), ready.isEmpty() ? "-" : ready.get(ready.size() - 1), ready);
        }
    }

    public Report execute() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(FreePorts.pick(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Map<String, String> env = new HashMap<>(Map.of(
                "STRIPE_WEBHOOK_SECRETS", SECRET,
                "PLATFORM_API_KEY", API_KEY,
                "ONRAMP_KAFKA_PORT", String.valueOf(FreePorts.pick()),
                "ONRAMP_REGISTRY_PORT", String.valueOf(FreePorts.pick()),
                "INGEST_PORT", String.valueOf(FreePorts.pick()),
                "PROCESSOR_PORT", String.valueOf(FreePorts.pick()),
                "NOTIFIER_PORT", String.valueOf(FreePorts.pick()),
                "SMTP_HOST", "127.0.0.1",
                "SMTP_PORT", String.valueOf(smtp.getSmtp().getPort()),
                "SMTP_STARTTLS", "false"));
        env.put("INGEST_ADMIN_PORT", String.valueOf(FreePorts.pick()));
        // Shorter than a broker restart, so that ingest answers 503 while Kafka is away and Stripe retries.
        env.put("INGEST_KAFKA_TIMEOUT", "2s");
        VapidKeys.Generated vapid = VapidKeys.generate();
        env.put("VAPID_PUBLIC_KEY", vapid.publicKey());
        env.put("VAPID_PRIVATE_KEY", vapid.privateKey());
        env.put("PLATFORM_WEBHOOK_SECRETS", PLATFORM_WEBHOOK_SECRET);
        env.put("OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true");
        List<Duration> readyAfterRestart = new ArrayList<>();
        try (ChannelStandIns standIns = new ChannelStandIns(PLATFORM_WEBHOOK_SECRET); CrashableStack stack = switch (victim) {
            case WHOLE_STACK -> new DevStackProcess(dataDir, env);
            case BROKER -> new ChildBrokerStack(dataDir, env, 1);
            case EVENTS_LEADER -> new ChildBrokerStack(dataDir, env, 3);
        }) {
            log.printf("stack ready in %d ms%n", stack.start(Duration.ofMinutes(3)).toMillis());
            OnrampSimulator simulator = new OnrampSimulator(
                    new OnrampSimulator.Target(stack.ingestUrl(), SECRET, API_KEY),
                    new OnrampSimulator.Options(8, webhooksPerSecond, 0, null, Duration.ofMinutes(5))).withChannels(standIns);
            CompletableFuture<OnrampSimulator.Report> simulation = CompletableFuture.supplyAsync(() -> {
                try {
                    return simulator.run(plan);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Kills spread over the run by progress, each at a random point of its stretch, so that every one lands
            // mid-run whatever the machine's speed.
            long planned = plan.sessions().stream().mapToLong(s -> s.deliveries().size()).sum();
            long stretch = Math.max(1, planned / (kills + 1));
            for (int k = 1; k <= kills; k++) {
                long at = stretch * k - stretch / 2 + random.nextLong(stretch / 2 + 1);
                while (simulator.acceptedSoFar() < at && !simulation.isDone()) {
                    Thread.sleep(20);
                }
                stack.kill();
                log.printf("kill %d: SIGKILL of the %s%s%n", k, victim.name().toLowerCase(Locale.ROOT).replace('_', ' '),
                        simulation.isDone() ? " (after the simulation ended)" : "");
                Duration ready = stack.start(Duration.ofMinutes(3));
                readyAfterRestart.add(ready);
                log.printf("kill %d: ready again in %d ms%n", k, ready.toMillis());
            }
            OnrampSimulator.Report simulated = simulation.get(15, TimeUnit.MINUTES);
            String bootstrap = stack.bootstrapServers();
            String registryUrl = stack.registryUrl();
            long toNotify = plan.toNotify();
            SentNotifications.await(KafkaConnection.local(bootstrap, registryUrl), plan.sessionIds(), toNotify, Duration.ofMinutes(3));
            long quietSince = System.nanoTime();
            long lastCount = -1;
            // Messages still in flight land within a retry or two; wait until the counts are stable for 5 s.
            while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(5)) {
                long count = smtp.getReceivedMessages().length + standIns.pushRequests() + standIns.webhookRequests();
                if (count != lastCount) {
                    lastCount = count;
                    quietSince = System.nanoTime();
                }
                Thread.sleep(200);
            }
            log.printf("simulation done: %d webhooks accepted; %d emails expected%n", simulated.accepted(), toNotify);
            return count(simulated, bootstrap, registryUrl, smtp.getReceivedMessages(), standIns, readyAfterRestart);
        } finally {
            smtp.stop();
        }
    }

    private Report count(OnrampSimulator.Report simulated, String bootstrap, String registryUrl, MimeMessage[] received,
                         ChannelStandIns standIns, List<Duration> readyAfterRestart) throws MessagingException {
        TopicReader scan = TopicReader.of(bootstrap);
        SchemaRegistryClient registry = new SchemaRegistryClient(registryUrl, Duration.ofSeconds(5));
        Set<String> rawIds = scan.read(Topics.WEBHOOKS_RAW.name(), new RegistryAvroDeserializer<>(RawWebhook.class, registry),
                null, k -> true).stream().map(r -> r.value().getEventId()).collect(Collectors.toSet());
        Set<String> eventIds = scan.read(Topics.SESSION_EVENTS.name(), new RegistryAvroDeserializer<>(OnrampSessionEvent.class, registry),
                null, k -> true).stream().map(r -> r.value().getEventId()).collect(Collectors.toSet());
        Set<String> lost = new HashSet<>();
        for (String id : simulated.acceptedEventIds()) {
            if (!rawIds.contains(id) || !eventIds.contains(id)) {
                lost.add(id);
            }
        }
        Map<String, List<SessionOutcome>> outcomes = scan.read(Topics.SESSION_OUTCOMES.name(),
                        new RegistryAvroDeserializer<>(SessionOutcome.class, registry), null, k -> true).stream()
                .map(ConsumerRecord::value).collect(Collectors.groupingBy(SessionOutcome::getSessionId));
        Set<String> withoutOutcome = new HashSet<>();
        Map<String, Integer> duplicates = new TreeMap<>();
        Set<String> wrong = new HashSet<>();
        Map<String, Set<String>> messageIdsByAddress = new HashMap<>();
        for (MimeMessage message : received) {
            messageIdsByAddress.computeIfAbsent(message.getAllRecipients()[0].toString(), a -> new HashSet<>())
                    .add(message.getMessageID());
        }
        Set<String> missed = new HashSet<>(missedOnOtherChannels(scan, registry));
        for (SessionScript session : plan.sessions()) {
            List<SessionOutcome> mine = outcomes.getOrDefault(session.sessionId(), List.of());
            if (session.terminal()) {
                OutcomeKind expected = session.ending() == SessionScript.Ending.FULFILLED ? OutcomeKind.FULFILLED : OutcomeKind.REJECTED;
                if (mine.isEmpty()) {
                    withoutOutcome.add(session.sessionId());
                } else if (mine.size() > 1) {
                    duplicates.put(session.sessionId(), mine.size());
                } else if (mine.get(0).getOutcome() != expected) {
                    wrong.add(session.sessionId());
                }
                if (session.recipientEmail() != null && !messageIdsByAddress.containsKey(session.recipientEmail())) {
                    missed.add(session.sessionId());
                }
            } else if (!mine.isEmpty()) {
                wrong.add(session.sessionId());
            }
        }
        Set<String> twoDifferent = messageIdsByAddress.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        int repeated = received.length - messageIdsByAddress.size();
        return new Report(simulated.accepted(), simulated.retried(), simulated.failed(), List.copyOf(readyAfterRestart),
                outcomes.values().stream().mapToInt(List::size).sum(), lost, withoutOutcome, duplicates, wrong, missed,
                twoDifferent, received.length, repeated, standIns.pushes(), standIns.pushRequests() - standIns.pushes(),
                standIns.webhooksVerified(), standIns.webhookRequests() - standIns.webhooksVerified());
    }

    /** Terminal sessions whose recipient named a push subscription or a webhook URL, with no SENT on that channel. */
    private Set<String> missedOnOtherChannels(TopicReader scan, SchemaRegistryClient registry) {
        Map<Channel, Set<String>> sent = new EnumMap<>(Channel.class);
        for (ConsumerRecord<String, NotificationRecord> r : scan.read(Topics.NOTIFICATIONS.name(),
                new RegistryAvroDeserializer<>(NotificationRecord.class, registry), null, k -> true)) {
            if (r.value().getStatus() == DeliveryStatus.SENT) {
                sent.computeIfAbsent(r.value().getChannel(), c -> new HashSet<>()).add(r.value().getSessionId());
            }
        }
        Set<String> missed = new HashSet<>();
        for (SessionScript session : plan.sessions()) {
            if (!session.terminal() || session.recipientEmail() == null) {
                continue;
            }
            if (OnrampSimulator.registersPush(session.sessionId())
                    && !sent.getOrDefault(Channel.PUSH, Set.of()).contains(session.sessionId())) {
                missed.add(session.sessionId() + " (push)");
            }
            if (OnrampSimulator.registersWebhook(session.sessionId())
                    && !sent.getOrDefault(Channel.WEBHOOK, Set.of()).contains(session.sessionId())) {
                missed.add(session.sessionId() + " (webhook)");
            }
        }
        return missed;
    }
}
