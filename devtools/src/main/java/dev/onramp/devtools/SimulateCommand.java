package dev.onramp.devtools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.onramp.audit.SentNotifications;
import dev.onramp.cli.KafkaOptions;
import dev.onramp.devstack.simulate.ChannelStandIns;
import dev.onramp.devstack.simulate.LatencyStats;
import dev.onramp.devstack.simulate.LatencyTimeline;
import dev.onramp.devstack.simulate.MintSimulation;
import dev.onramp.devstack.simulate.OnrampSimulator;
import dev.onramp.devstack.simulate.SessionScript;
import dev.onramp.devstack.simulate.SimulationPlan;
import dev.onramp.devstack.simulate.TopicLogSizes;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code onramp simulate}: what {@code stripe trigger} lacks, since it has no onramp events. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Drive session lifecycles against a running ingest with signed webhooks, as Stripe would.")
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--url", description = "Ingest base URL (default ${DEFAULT-VALUE}).")
    String url = "http://127.0.0.1:8080";
    @Option(names = "--secret", description = "Webhook secret (default: STRIPE_WEBHOOK_SECRETS, else ./data/dev-secrets.properties).")
    String secret;
    @Option(names = "--api-key", description = "Platform API key (default: PLATFORM_API_KEY, else ./data/dev-secrets.properties).")
    String apiKey;
    @Option(names = "--sessions", description = "Sessions to simulate (default ${DEFAULT-VALUE}).")
    int sessions = 100;
    @Option(names = "--fulfilled", description = "Share fulfilled (default ${DEFAULT-VALUE}).")
    double fulfilled = 0.6;
    @Option(names = "--rejected", description = "Share rejected; the rest is abandoned (default ${DEFAULT-VALUE}).")
    double rejected = 0.2;
    @Option(names = "--recipients", description = "Share with a recipient registered (default ${DEFAULT-VALUE}).")
    double recipients = 0.8;
    @Option(names = "--rate", description = "Webhooks per second, 0 for as fast as possible (default ${DEFAULT-VALUE}).")
    double rate = 0;
    @Option(names = "--concurrency", description = "Sessions played at once, each on its own connection waiting for ingest's"
            + " answers (default: 8, or with --rate one per 8 webhooks/s asked for, so that the rate can be reached).")
    Integer concurrency;
    @Option(names = "--no-quirks", negatable = true, description = "Duplicates, out-of-order, split events, delayed redelivery (default on).")
    boolean quirks = true;
    @Option(names = "--forged", description = "Forged and stale deliveries to send, each (default ${DEFAULT-VALUE}).")
    int forged = 0;
    @Option(names = "--retry-for",
            description = "Seconds a failed delivery (5xx, no answer) is retried, as Stripe does for days (default ${DEFAULT-VALUE}).")
    long retryForSeconds = 120;

    @Option(names = "--seed", description = "Random seed, for a reproducible run (default: time).")
    long seed = System.currentTimeMillis();
    /** With --bootstrap, also report the outcomes notified and the latency to each. */
    @Mixin
    KafkaOptions kafka;
    @Option(names = "--mint", description = "Start each session by minting it through ingest (POST /v1/onramp-sessions); Stripe"
            + " (onramp dev's local one) then moves it on and sends its webhooks.")
    boolean mint;
    @Option(names = "--no-channels", negatable = true,
            description = "Register push subscriptions and platform webhook URLs too, served by local stand-ins (default on).")
    boolean channels = true;
    @Option(names = "--wait", description = "Seconds to wait for notifications, with --bootstrap (default ${DEFAULT-VALUE}).")
    int waitSeconds = 60;
    @Option(names = "--warmup", description = "Seconds at the start of the schedule whose sessions are played and checked but left out"
            + " of the latency percentiles, with --bootstrap: this JVM compiling its own code on a small machine falls behind"
            + " its schedule at first, and that lag would count as the pipeline's (default ${DEFAULT-VALUE}).")
    int warmupSeconds = 0;

    @Override
    public Integer call() throws Exception {
        Properties dev = new Properties();
        Path devSecrets = Path.of(System.getenv().getOrDefault("ONRAMP_DATA_DIR", "data"), "dev-secrets.properties");
        if (Files.exists(devSecrets)) {
            try (var in = Files.newBufferedReader(devSecrets)) {
                dev.load(in);
            }
        }
        String webhookSecret = first(secret, System.getenv("STRIPE_WEBHOOK_SECRETS"), dev.getProperty("webhook.secret"));
        String key = first(apiKey, System.getenv("PLATFORM_API_KEY"), dev.getProperty("platform.api.key"));
        if (webhookSecret == null || key == null) {
            System.err.println("no webhook secret or API key: pass --secret and --api-key, or run `onramp dev` first");
            return 2;
        }
        webhookSecret = webhookSecret.split(",")[0].trim();
        SimulationPlan plan = SimulationPlan.generate(sessions, new SimulationPlan.Mix(fulfilled, rejected, recipients),
                quirks ? SimulationPlan.Quirks.all() : SimulationPlan.Quirks.none(), seed);
        OnrampSimulator simulator = new OnrampSimulator(new OnrampSimulator.Target(url, webhookSecret, key),
                new OnrampSimulator.Options(concurrency(), rate, forged, System.err, Duration.ofSeconds(retryForSeconds)));
        String platformSecret = first(System.getenv("PLATFORM_WEBHOOK_SECRETS"), dev.getProperty("platform.webhook.secret"));
        ChannelStandIns standIns = channels && platformSecret != null ? new ChannelStandIns(platformSecret.split(",")[0].trim()) : null;
        if (standIns != null) {
            simulator.withChannels(standIns);
        }
        try {
            return mint ? mintAndWatch(key, standIns) : play(plan, simulator, standIns);
        } finally {
            if (standIns != null) {
                standIns.close();
            }
        }
    }

    /** As given, or enough connections for the rate asked for: each carries a few dozen webhooks a second at most. */
    int concurrency() {
        if (concurrency != null) {
            return concurrency;
        }
        return rate > 0 ? Math.max(8, (int) Math.ceil(rate / 8)) : 8;
    }

    private int play(SimulationPlan plan, OnrampSimulator simulator, ChannelStandIns standIns) throws Exception {
        Optional<TopicLogSizes> diskBefore = kafka.bootstrapGiven() ? logSizes() : Optional.empty();
        long began = System.nanoTime();
        OnrampSimulator.Report report = simulator.run(plan);
        double seconds = (System.nanoTime() - began) / 1e9;

        long terminal = plan.sessions().stream().filter(SessionScript::terminal).count();
        long toNotify = plan.toNotify();
        System.out.printf("%nsimulated %d sessions (seed %d): %d fulfilled, %d rejected, %d abandoned; %d to notify%n",
                plan.sessions().size(), seed,
                plan.sessions().stream().filter(s -> s.ending() == SessionScript.Ending.FULFILLED).count(),
                plan.sessions().stream().filter(s -> s.ending() == SessionScript.Ending.REJECTED).count(),
                plan.sessions().size() - terminal, toNotify);
        System.out.printf("webhooks: %d sent, %d accepted, %d refused, %d retried, %d failed in %.1f s (%.0f/s)%n",
                report.sent(), report.accepted(), report.refused(), report.retried(), report.failed(), seconds, report.sent() / seconds);
        RateShortfall.of(rate, report.sent() / seconds, concurrency(), report.retried()).ifPresent(System.out::println);
        if (forged > 0) {
            System.out.printf("forged and stale: %d sent, %d refused%n", report.forgedSent(), report.forgedRefused());
        }
        if (kafka.bootstrapGiven()) {
            Map<String, Instant> sent = awaitNotifications(kafka.connection(), plan, Duration.ofSeconds(waitSeconds));
            System.out.printf("notified: %d of %d outcomes with a recipient%n", sent.size(), toNotify);
            System.out.printf("sent by channel (onramp.notifications.v1): %s%n", SentNotifications.countByChannel(kafka.connection(),
                    plan.sessionIds()));
            if (standIns != null) {
                // Every SENT above was recorded after the stand-in answered, so these counts are complete.
                System.out.println("stand-ins received: " + standIns.summary());
            }
            printLatency(plan, report, sent);
            if (rate > 0) {
                // Latencies count from each webhook's slot in the schedule, so time waiting for ingest is in them.
                System.out.printf("schedule: %.0f webhooks/s; the senders fell behind it by %d ms at most (concurrency %d)%n",
                        rate, report.behindSchedule().toMillis(), concurrency());
            }
            if (diskBefore.isPresent()) {
                logSizes().ifPresent(after -> printDiskUse(after.growthSince(diskBefore.get()), report.accepted()));
            }
        }
        return report.failed() == 0 ? 0 : 1;
    }

    /**
     * Webhook due → provider accepted, for sessions whose recipient was known first (for the others the wait is the
     * platform's), and the part of it spent waiting for ingest's 2xx: a stall there is ingest's or the simulator's own.
     */
    private void printLatency(SimulationPlan plan, OnrampSimulator.Report report, Map<String, Instant> sent) {
        Set<String> knownFirst = new HashSet<>();
        plan.sessions().stream().filter(s -> !s.recipientAfterOutcome()).forEach(s -> knownFirst.add(s.sessionId()));
        List<Long> micros = new ArrayList<>();
        List<Long> answerMicros = new ArrayList<>();
        Instant firstDue = report.deciding().values().stream().map(OnrampSimulator.Deciding::due).min(Instant::compareTo).orElse(Instant.EPOCH);
        Instant measuredFrom = firstDue.plusSeconds(warmupSeconds);
        LatencyTimeline timeline = new LatencyTimeline(firstDue, Duration.ofSeconds(5));
        LatencyTimeline answers = new LatencyTimeline(firstDue, Duration.ofSeconds(5));
        sent.forEach((session, at) -> {
            OnrampSimulator.Deciding deciding = report.deciding().get(session);
            if (deciding != null && knownFirst.contains(session)) {
                long latency = Math.max(0, Duration.between(deciding.due(), at).toNanos() / 1000);
                long answer = Math.max(0, Duration.between(deciding.due(), deciding.answered()).toNanos() / 1000);
                if (!deciding.due().isBefore(measuredFrom)) {
                    micros.add(latency);
                    answerMicros.add(answer);
                }
                timeline.add(deciding.due(), latency);
                answers.add(deciding.due(), answer);
            }
        });
        System.out.printf("deciding webhook due -> message accepted by the provider (recipient known first%s): %s%n",
                warmupSeconds > 0 ? ", after the first " + warmupSeconds + " s of the schedule" : "",
                LatencyStats.of(micros.stream().mapToLong(Long::longValue).toArray()));
        System.out.printf("  of which due -> ingest's 2xx: %s%n", LatencyStats.of(answerMicros.stream().mapToLong(Long::longValue).toArray()));
        System.out.printf("the worst of each 5 s of the schedule (began %s), ms: %s%n",
                LocalTime.ofInstant(firstDue, ZoneId.systemDefault()).truncatedTo(ChronoUnit.MILLIS), timeline);
        System.out.printf("  the worst wait for ingest's 2xx in each, ms: %s%n", answers);
    }

    private int mintAndWatch(String key, ChannelStandIns standIns) throws InterruptedException {
        long began = System.nanoTime();
        MintSimulation.Report minted = new MintSimulation(url, key, standIns).run(sessions, seed, concurrency());
        System.out.printf("%nminted %d sessions through %s/v1/onramp-sessions in %.1f s: %d refused, %d failed%n", minted.sessionIds().size(),
                url, (System.nanoTime() - began) / 1e9, minted.refused(), minted.failed());
        if (!kafka.bootstrapGiven()) {
            System.out.println("(pass --bootstrap to watch them end)");
            return minted.failed() == 0 ? 0 : 1;
        }
        Set<String> ids = new HashSet<>(minted.sessionIds());
        Map<String, SessionOutcome> outcomes = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        long quietSince = System.nanoTime();
        // Stripe's own pace decides when sessions end; stop once nothing has ended for 15 s.
        while (System.nanoTime() < deadline && System.nanoTime() - quietSince < Duration.ofSeconds(15).toNanos()) {
            int before = outcomes.size();
            TopicReader.readAll(kafka.connection().bootstrapServers(), Topics.SESSION_OUTCOMES.name(), new StringDeserializer(),
                    new RegistryAvroDeserializer<>(SessionOutcome.class, kafka.connection().registryClient())).stream()
                    .filter(r -> ids.contains(r.key())).forEach(r -> outcomes.put(r.key(), r.value()));
            if (outcomes.size() != before) {
                quietSince = System.nanoTime();
            }
            Thread.sleep(1_000);
        }
        long fulfilled = outcomes.values().stream().filter(o -> o.getOutcome() == OutcomeKind.FULFILLED).count();
        System.out.printf("outcomes: %d fulfilled, %d rejected, %d still open (abandoned at requires_payment, or not ended yet)%n",
                fulfilled, outcomes.size() - fulfilled, ids.size() - outcomes.size());
        System.out.printf("sent by channel (onramp.notifications.v1): %s%n", SentNotifications.countByChannel(kafka.connection(), ids));
        if (standIns != null) {
            System.out.println("stand-ins received: " + standIns.summary());
        }
        return minted.failed() == 0 ? 0 : 1;
    }

    /** Empty, with a line saying why, where the brokers do not tell (DescribeLogDirs needs DESCRIBE on the cluster). */
    private Optional<TopicLogSizes> logSizes() throws InterruptedException {
        try (Admin admin = Admin.create(kafka.connection().clientConfig())) {
            return Optional.of(TopicLogSizes.of(admin));
        } catch (IllegalStateException e) {
            System.out.println("disk: not measured: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Everything the run wrote, every replica counted: what a day at this rate costs in disk, before compaction. */
    private static void printDiskUse(Map<String, Long> growth, long webhooks) {
        long total = growth.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("disk: %,d bytes written across %d topics (every replica), %,.0f bytes per accepted webhook%n",
                total, growth.size(), total / (double) Math.max(1, webhooks));
        growth.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %-52s %,8.0f bytes per webhook%n", e.getKey(), e.getValue() / (double) Math.max(1, webhooks)));
    }

    /** SENT records on onramp.notifications.v1 for the plan's sessions, by session, as they were committed. */
    static Map<String, Instant> awaitNotifications(KafkaConnection connection, SimulationPlan plan, Duration wait) {
        return SentNotifications.await(connection, plan.sessionIds(), plan.toNotify(), wait);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
