package dev.onramp.bench.crash;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.onramp.audit.SentNotifications;
import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.simulate.ChannelStandIns;
import dev.onramp.devstack.simulate.OnrampSimulator;
import dev.onramp.devstack.simulate.SimulationPlan;
import dev.onramp.notifier.push.VapidKeys;
import dev.onramp.runtime.kafka.KafkaConnection;

/**
 * Simulated Stripe traffic against a dev stack that is SIGKILLed {@code kills} times mid-run and restarted on the
 * same data, then every invariant counted from the topics (read_committed) and a real SMTP server: what the crash
 * test asserts and {@code onramp bench crash} prints.
 */
public final class CrashRun {
    static final String SECRET = "whsec_crash_run_secret_0123456789";
    static final String API_KEY = "crash-run-platform-key-0123456789";
    static final String PLATFORM_WEBHOOK_SECRET = "whsec_Y3Jhc2gtcnVuLXBsYXRmb3JtLXNlY3JldA==";

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

    /**
     * What every service of a fault run shares: the simulated Stripe's and platform's secrets, SMTP without STARTTLS
     * on loopback, the Web Push and platform webhook channels pointed at local stand-ins.
     */
    static Map<String, String> serviceEnv(int smtpPort) {
        Map<String, String> env = new HashMap<>();
        env.put("STRIPE_WEBHOOK_SECRETS", SECRET);
        env.put("PLATFORM_API_KEY", API_KEY);
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(smtpPort));
        env.put("SMTP_STARTTLS", "false");
        // Shorter than a broker restart, so that ingest answers 503 while Kafka is away and Stripe retries.
        env.put("INGEST_KAFKA_TIMEOUT", "2s");
        VapidKeys.Generated vapid = VapidKeys.generate();
        env.put("VAPID_PUBLIC_KEY", vapid.publicKey());
        env.put("VAPID_PRIVATE_KEY", vapid.privateKey());
        env.put("PLATFORM_WEBHOOK_SECRETS", PLATFORM_WEBHOOK_SECRET);
        env.put("OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true");
        return env;
    }

    public Report execute() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(FreePorts.pick(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Map<String, String> env = new HashMap<>(serviceEnv(smtp.getSmtp().getPort()));
        env.put("ONRAMP_KAFKA_PORT", String.valueOf(FreePorts.pick()));
        env.put("ONRAMP_REGISTRY_PORT", String.valueOf(FreePorts.pick()));
        env.put("INGEST_PORT", String.valueOf(FreePorts.pick()));
        env.put("INGEST_ADMIN_PORT", String.valueOf(FreePorts.pick()));
        env.put("PROCESSOR_PORT", String.valueOf(FreePorts.pick()));
        env.put("NOTIFIER_PORT", String.valueOf(FreePorts.pick()));
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
            ChannelCounts.awaitQuiet(smtp, standIns);
            log.printf("simulation done: %d webhooks accepted; %d emails expected%n", simulated.accepted(), toNotify);
            return RunTally.of(plan, bootstrap, registryUrl).count(simulated, smtp.getReceivedMessages(), ChannelCounts.of(standIns),
                    readyAfterRestart);
        } finally {
            smtp.stop();
        }
    }

}
