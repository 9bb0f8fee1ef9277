package dev.onramp.bench.crash;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.onramp.audit.SentNotifications;
import dev.onramp.bench.crash.ServiceInstance.Service;
import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.simulate.ChannelStandIns;
import dev.onramp.devstack.simulate.OnrampSimulator;
import dev.onramp.devstack.simulate.SessionScript;
import dev.onramp.devstack.simulate.SimulationPlan;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.schemas.Topics;

/**
 * Several instances of each service on a three-node cluster, all started at the same moment, under simulated Stripe
 * traffic at a fixed rate (spread over the ingest instances) while faults come one at a time: SIGKILL of one
 * processor, one notifier, one ingest (each started again at once, as an orchestrator does), one Kafka node, and a
 * rolling restart of every instance (SIGTERM, wait until ready, next). Each fault has a stretch of traffic of its
 * own, counted when it is over: nothing accepted lost, one outcome per terminal session, every outcome notified on
 * every channel, repeats; outcome latency; the longest time a partition with a session due went without an outcome;
 * and the query API asked throughout.
 */
public final class ScaleOutRun {
    /** One fault of a run; each gets a stretch of traffic of its own. */
    public enum Fault {
        /** No fault: the pipeline's CPU per webhook is measured in this stretch only (no process starts anew). */
        STEADY,
        KILL_PROCESSOR, KILL_NOTIFIER, KILL_INGEST, KILL_BROKER, ROLLING_RESTART,
        /**
         * The next release of a public contract rolled out as the operating docs say: registered first (the new build's
         * {@code onramp contracts apply}), then half the notifiers (readers) and half the processors (writers) on the
         * new build, traffic with both versions written and read, then every instance on the new build.
         */
        EVOLVE_CONTRACT;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** How many of each: Kafka nodes, ingest, processor and notifier instances. */
    public record Size(int brokers, int ingest, int processors, int notifiers) {
        int of(ServiceInstance.Service service) {
            return switch (service) {
                case INGEST -> ingest;
                case PROCESSOR -> processors;
                case NOTIFIER -> notifiers;
            };
        }

        @Override
        public String toString() {
            return brokers + " Kafka nodes, " + ingest + " ingest, " + processors + " processors, " + notifiers + " notifiers";
        }
    }

    /**
     * What to run: the fleet, the rate in webhooks/s, traffic before the first stretch that is not counted (fresh JVMs
     * spend their first minute compiling), each fault's stretch of traffic, the faults in order, and options for every
     * child JVM (a test trades peak speed for start-up time with C1 alone).
     */
    public record Settings(Size size, double webhooksPerSecond, Duration warmUp, Duration stretch, List<Fault> faults, long seed,
                           List<String> jvmOptions) {
    }

    /** Outcome latency from each deciding webhook's slot in the schedule to its outcome visible (read_committed). */
    public record Latency(int outcomes, long p50Millis, long p99Millis, long maxMillis) {
    }

    /**
     * The longest time a partition of the outcomes topic went without an outcome while a session on it was due
     * (its deciding webhook accepted): a stalled partition shows here even while the others are busy.
     */
    public record Gap(int partition, long millis) {
    }

    /** One fault's stretch, counted. */
    public record Stretch(Fault fault, Duration faultTook, CrashRun.Report tally, Latency latency,
                          Gap longestGap, QueryProbe.Counts queries, double webhooksPerSecond, long cpuMicrosPerWebhook,
                          Map<Integer, Long> outcomesByWriterSchema) {
        public boolean ok() {
            return tally.ok() && queries.serverErrors() == 0 && queries.wrongNotFound() == 0;
        }

        public String summary() {
            String cpu = fault == Fault.STEADY ? String.format("; %d µs of pipeline CPU per webhook", cpuMicrosPerWebhook) : "";
            return String.format("%s (took %d ms): %s%n    %.0f webhooks/s accepted%s; outcome latency p50 %d ms, p99 %d ms, "
                            + "max %d ms over %d outcomes; longest gap with a session due %d ms (partition %d); "
                            + "queries %d: found %d, 5xx %d, wrong 404 %d, no answer %d; outcomes by writer schema id %s",
                    fault.label(), faultTook.toMillis(), tally.summary(),
                    webhooksPerSecond, cpu, latency.p50Millis(), latency.p99Millis(), latency.maxMillis(), latency.outcomes(),
                    longestGap.millis(), longestGap.partition(), queries.asked(), queries.found(), queries.serverErrors(), queries.wrongNotFound(),
                    queries.unreachable(), outcomesByWriterSchema);
        }
    }

    /** {@code startedTogether}: every instance started at one moment, until the last answered ready. */
    public record Report(Duration startedTogether, List<Stretch> stretches) {
        public boolean ok() {
            return stretches.stream().allMatch(Stretch::ok);
        }
    }

    private final Path dataDir;
    private final Settings settings;
    private final PrintStream log;

    public ScaleOutRun(Path dataDir, Settings settings, PrintStream log) {
        this.dataDir = dataDir;
        this.settings = settings;
        this.log = log;
    }

    public Report execute() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(FreePorts.pick(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try (ChannelStandIns standIns = new ChannelStandIns(CrashRun.PLATFORM_WEBHOOK_SECRET)) {
            long began = System.nanoTime();
            try (InstanceFleet fleet = InstanceFleet.start(dataDir, settings.size(), settings.jvmOptions(),
                    CrashRun.serviceEnv(smtp.getSmtp().getPort()), Duration.ofMinutes(5))) {
                Duration started = Duration.ofNanos(System.nanoTime() - began);
                log.printf("%s started together, all ready in %d ms%n", settings.size(), started.toMillis());
                try (OutcomeWatch watch = new OutcomeWatch(fleet.kafka().bootstrapServers(), fleet.registryUrl());
                     QueryProbe probe = new QueryProbe(fleet.of(Service.PROCESSOR), watch, CrashRun.API_KEY, Duration.ofMillis(200), log)) {
                    if (!settings.warmUp().isZero()) {
                        Traffic warmUp = new Traffic(fleet.ingestUrls(), standIns, settings.seed() + 1_000);
                        warmUp.start();
                        Thread.sleep(settings.warmUp().toMillis());
                        warmUp.stopAndJoin();
                        log.printf("warmed up: %d webhooks in %d s, not counted%n", warmUp.acceptedSoFar(), settings.warmUp().toSeconds());
                    }
                    List<Stretch> stretches = new ArrayList<>();
                    for (int i = 0; i < settings.faults().size(); i++) {
                        Stretch stretch = stretch(fleet, smtp, standIns, watch, probe, settings.faults().get(i), settings.seed() + i);
                        log.println(stretch.summary());
                        stretches.add(stretch);
                    }
                    return new Report(started, List.copyOf(stretches));
                }
            }
        } finally {
            smtp.stop();
        }
    }

    private Stretch stretch(InstanceFleet fleet, GreenMail smtp, ChannelStandIns standIns, OutcomeWatch watch, QueryProbe probe,
                            Fault fault, long seed) throws Exception {
        ChannelCounts channelsBefore = ChannelCounts.of(standIns);
        QueryProbe.Counts queriesBefore = probe.counts();
        Duration cpuBefore = fleet.cpu();
        long began = System.nanoTime();
        Traffic traffic = new Traffic(fleet.ingestUrls(), standIns, seed);
        traffic.start();
        // The fault lands a quarter into the stretch, and the traffic goes on for a quarter of it after the fault is over.
        Thread.sleep(settings.stretch().toMillis() / 4);
        log.printf("%s: %d webhooks accepted so far%n", fault.label(), traffic.acceptedSoFar());
        long faultBegan = System.nanoTime();
        inflict(fleet, fault);
        long faultEnded = System.nanoTime();
        long until = Math.max(began + settings.stretch().toNanos(), faultEnded + settings.stretch().toNanos() / 4);
        Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
        traffic.stopAndJoin();
        SimulationPlan plan = traffic.plan();
        OnrampSimulator.Report simulated = traffic.report();
        long cpuMicros = fleet.cpu().minus(cpuBefore).toNanos() / 1_000;
        double wallSeconds = (System.nanoTime() - began) / 1e9;
        KafkaConnection kafka = KafkaConnection.local(fleet.kafka().bootstrapServers(), fleet.registryUrl());
        SentNotifications.await(kafka, plan.sessionIds(), plan.toNotify(), Duration.ofMinutes(3));
        ChannelCounts.awaitQuiet(smtp, standIns);
        RunTally counting = RunTally.of(plan, fleet.kafka().bootstrapServers(), fleet.registryUrl());
        // Every outcome must be readable by both releases' readers: this build's (the tally) and the evolved one.
        Map<Integer, Long> bySchema = counting.outcomesByWriterSchema(EvolvedContract.schema());
        Duration faultTook = Duration.ofNanos(faultEnded - faultBegan);
        CrashRun.Report tally = counting
                .count(simulated, smtp.getReceivedMessages(), ChannelCounts.of(standIns).since(channelsBefore), List.of(faultTook));
        return new Stretch(fault, faultTook, tally, latency(simulated.deciding(), watch::seen),
                longestGap(simulated.deciding(), watch::seen), probe.counts().since(queriesBefore), simulated.accepted() / wallSeconds,
                cpuMicros / Math.max(1, simulated.accepted()), bySchema);
    }

    /**
     * Simulated Stripe traffic at the run's rate, spread over the ingest instances, in plans of a few seconds each
     * played back to back until stopped: however long a fault takes, traffic flows throughout it.
     */
    private final class Traffic {
        private static final int CHUNK_SECONDS = 5;

        private final List<String> ingest;
        private final ChannelStandIns standIns;
        private final long seed;
        private final List<SimulationPlan> plans = new ArrayList<>();
        private final List<OnrampSimulator.Report> reports = new ArrayList<>();
        private final List<OnrampSimulator> current = new CopyOnWriteArrayList<>();
        private final AtomicLong acceptedBefore = new AtomicLong();
        private final Thread thread = new Thread(this::play, "traffic");
        private volatile boolean stopping;
        private volatile Exception failure;

        Traffic(List<String> ingest, ChannelStandIns standIns, long seed) {
            this.ingest = ingest;
            this.standIns = standIns;
            this.seed = seed;
        }

        void start() {
            thread.start();
        }

        long acceptedSoFar() {
            return acceptedBefore.get() + current.stream().mapToLong(OnrampSimulator::acceptedSoFar).sum();
        }

        private void play() {
            try {
                for (int chunk = 0; !stopping; chunk++) {
                    SimulationPlan plan = planFor(seed * 1_000 + chunk, CHUNK_SECONDS);
                    double perIngest = settings.webhooksPerSecond() / ingest.size();
                    List<SimulationPlan> parts = split(plan, ingest.size());
                    List<CompletableFuture<OnrampSimulator.Report>> runs = new ArrayList<>();
                    current.clear();
                    for (int k = 0; k < ingest.size(); k++) {
                        // One connection per 8 webhooks/s, as `onramp simulate` opens, so that the schedule is kept.
                        OnrampSimulator simulator = new OnrampSimulator(
                                new OnrampSimulator.Target(ingest.get(k), CrashRun.SECRET, CrashRun.API_KEY),
                                new OnrampSimulator.Options(Math.max(4, (int) Math.ceil(perIngest / 8)), perIngest, 0, null,
                                        Duration.ofMinutes(5))).withChannels(standIns);
                        SimulationPlan part = parts.get(k);
                        current.add(simulator);
                        runs.add(CompletableFuture.supplyAsync(() -> {
                            try {
                                return simulator.run(part);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }));
                    }
                    for (CompletableFuture<OnrampSimulator.Report> run : runs) {
                        OnrampSimulator.Report report = run.get(15, TimeUnit.MINUTES);
                        reports.add(report);
                        acceptedBefore.addAndGet(report.accepted());
                    }
                    current.clear();
                    plans.add(plan);
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        void stopAndJoin() throws Exception {
            stopping = true;
            thread.join();
            if (failure != null) {
                throw failure;
            }
        }

        SimulationPlan plan() {
            return new SimulationPlan(plans.stream().flatMap(p -> p.sessions().stream()).toList());
        }

        OnrampSimulator.Report report() {
            return merge(reports);
        }
    }

    /** Sessions enough for {@code seconds} at the rate, with every delivery quirk, 80 % with a recipient. */
    private SimulationPlan planFor(long seed, int seconds) {
        SimulationPlan.Mix mix = new SimulationPlan.Mix(0.6, 0.2, 0.8);
        SimulationPlan sample = SimulationPlan.generate(1_000, mix, SimulationPlan.Quirks.all(), seed);
        double perSession = sample.sessions().stream().mapToLong(s -> s.deliveries().size()).sum() / 1_000.0;
        int sessions = (int) Math.ceil(settings.webhooksPerSecond() * seconds / perSession);
        return SimulationPlan.generate(sessions, mix, SimulationPlan.Quirks.all(), seed);
    }

    private static List<SimulationPlan> split(SimulationPlan plan, int parts) {
        List<List<SessionScript>> lists = new ArrayList<>();
        for (int k = 0; k < parts; k++) {
            lists.add(new ArrayList<>());
        }
        for (int i = 0; i < plan.sessions().size(); i++) {
            lists.get(i % parts).add(plan.sessions().get(i));
        }
        return lists.stream().map(SimulationPlan::new).toList();
    }

    private void inflict(InstanceFleet fleet, Fault fault) throws Exception {
        Duration ready = Duration.ofMinutes(3);
        switch (fault) {
            case STEADY -> log.println("steady: no fault");
            case KILL_PROCESSOR -> killAndRestart(fleet.of(Service.PROCESSOR).get(0), ready);
            case KILL_NOTIFIER -> killAndRestart(fleet.of(Service.NOTIFIER).get(0), ready);
            case KILL_INGEST -> killAndRestart(fleet.of(Service.INGEST).get(0), ready);
            case KILL_BROKER -> {
                int node = fleet.kafka().leaderOf(Topics.SESSION_EVENTS.name(), 0);
                fleet.kafka().kill(node);
                log.printf("kill broker: SIGKILL of Kafka node %d, leader of %s-0%n", node, Topics.SESSION_EVENTS.name());
                fleet.kafka().start(List.of(node), ready);
            }
            case ROLLING_RESTART -> {
                for (Service service : Service.values()) {
                    for (ServiceInstance instance : fleet.of(service)) {
                        restart(instance, "rolling restart", ready);
                    }
                }
            }
            case EVOLVE_CONTRACT -> evolveContract(fleet, ready);
            default -> throw new IllegalArgumentException(fault.name());
        }
    }

    /** SIGTERM, as an orchestrator stops a pod for a new release, and a start on whatever build it is moved to. */
    private void restart(ServiceInstance instance, String why, Duration ready) throws Exception {
        long began = System.nanoTime();
        instance.stop(Duration.ofSeconds(60));
        instance.launch();
        instance.awaitReady(System.nanoTime() + ready.toNanos());
        log.printf("%s: %s ready again in %d ms%n", why, instance.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    private void evolveContract(InstanceFleet fleet, Duration ready) throws Exception {
        String newBuild = EvolvedContract.classPath(EvolvedContract.build(dataDir.resolve("evolved-contract")));
        ServiceInstance anyProcessor = fleet.of(Service.PROCESSOR).get(0);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(settings.jvmOptions());
        command.addAll(List.of("-cp", newBuild, "dev.onramp.cli.Onramp", "contracts", "apply"));
        ProcessBuilder apply = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(anyProcessor.log().toFile()));
        apply.environment().put("KAFKA_BOOTSTRAP_SERVERS", anyProcessor.env("KAFKA_BOOTSTRAP_SERVERS"));
        apply.environment().put("SCHEMA_REGISTRY_URL", anyProcessor.env("SCHEMA_REGISTRY_URL"));
        apply.environment().put("ONRAMP_TOPIC_REPLICATION", anyProcessor.env("ONRAMP_TOPIC_REPLICATION"));
        int exit = apply.start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("the new build's `onramp contracts apply` exited " + exit + "; log: " + anyProcessor.log());
        }
        log.println("evolve contract: the new build's contracts registered");
        List<ServiceInstance> order = new ArrayList<>();
        for (Service service : List.of(Service.NOTIFIER, Service.PROCESSOR)) {
            List<ServiceInstance> instances = fleet.of(service);
            order.addAll(instances.subList(0, (instances.size() + 1) / 2));
        }
        for (ServiceInstance instance : order) {
            instance.moveTo(newBuild);
            restart(instance, "evolve contract, first half", ready);
        }
        // Both versions written (by old and new processors) and read (by old and new notifiers) for a while.
        Thread.sleep(settings.stretch().toMillis() / 4);
        for (Service service : List.of(Service.NOTIFIER, Service.PROCESSOR)) {
            for (ServiceInstance instance : fleet.of(service)) {
                if (!order.contains(instance)) {
                    instance.moveTo(newBuild);
                    restart(instance, "evolve contract, second half", ready);
                }
            }
        }
    }

    private void killAndRestart(ServiceInstance instance, Duration ready) throws Exception {
        long began = System.nanoTime();
        instance.kill();
        instance.launch();
        instance.awaitReady(System.nanoTime() + ready.toNanos());
        log.printf("SIGKILL of %s: ready again in %d ms%n", instance.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    private static OnrampSimulator.Report merge(List<OnrampSimulator.Report> reports) {
        long sent = 0;
        long accepted = 0;
        long refused = 0;
        long retried = 0;
        long failed = 0;
        Set<String> acceptedIds = new HashSet<>();
        Map<String, OnrampSimulator.Deciding> deciding = new HashMap<>();
        Duration behind = Duration.ZERO;
        for (OnrampSimulator.Report r : reports) {
            sent += r.sent();
            accepted += r.accepted();
            refused += r.refused();
            retried += r.retried();
            failed += r.failed();
            acceptedIds.addAll(r.acceptedEventIds());
            deciding.putAll(r.deciding());
            behind = behind.compareTo(r.behindSchedule()) > 0 ? behind : r.behindSchedule();
        }
        return new OnrampSimulator.Report(sent, accepted, refused, retried, failed, 0, 0, acceptedIds, deciding, behind);
    }

    static Latency latency(Map<String, OnrampSimulator.Deciding> deciding, Function<String, OutcomeWatch.Seen> outcomes) {
        List<Long> millis = new ArrayList<>();
        deciding.forEach((session, decided) -> {
            OutcomeWatch.Seen seen = outcomes.apply(session);
            if (seen != null) {
                millis.add(Math.max(0, Duration.between(decided.due(), seen.at()).toMillis()));
            }
        });
        millis.sort(Comparator.naturalOrder());
        if (millis.isEmpty()) {
            return new Latency(0, 0, 0, 0);
        }
        return new Latency(millis.size(), millis.get(millis.size() / 2), millis.get((int) Math.ceil(millis.size() * 0.99) - 1),
                millis.get(millis.size() - 1));
    }

    /**
     * Per partition, outcomes in the order they became visible; before each, the time since the later of the previous
     * outcome and the earliest acceptance among the sessions still waiting then: no outcome came out while they were due.
     */
    static Gap longestGap(Map<String, OnrampSimulator.Deciding> deciding, Function<String, OutcomeWatch.Seen> visible) {
        Map<Integer, List<Decided>> byPartition = new TreeMap<>();
        deciding.forEach((session, decided) -> {
            OutcomeWatch.Seen seen = visible.apply(session);
            if (seen != null) {
                byPartition.computeIfAbsent(seen.partition(), p -> new ArrayList<>()).add(new Decided(decided.answered(), seen.at()));
            }
        });
        Gap longest = new Gap(-1, 0);
        for (var entry : byPartition.entrySet()) {
            List<Decided> outcomes = entry.getValue();
            outcomes.sort(Comparator.comparing(Decided::visible));
            Instant[] earliestDueFrom = new Instant[outcomes.size()];
            Instant min = Instant.MAX;
            for (int i = outcomes.size() - 1; i >= 0; i--) {
                min = outcomes.get(i).accepted().isBefore(min) ? outcomes.get(i).accepted() : min;
                earliestDueFrom[i] = min;
            }
            for (int i = 0; i < outcomes.size(); i++) {
                Instant from = i == 0 || earliestDueFrom[i].isAfter(outcomes.get(i - 1).visible())
                        ? earliestDueFrom[i] : outcomes.get(i - 1).visible();
                long gap = Duration.between(from, outcomes.get(i).visible()).toMillis();
                if (gap > longest.millis()) {
                    longest = new Gap(entry.getKey(), gap);
                }
            }
        }
        return longest;
    }

    /** A terminal session: when ingest accepted its deciding webhook, and when its outcome became visible. */
    private record Decided(Instant accepted, Instant visible) {
    }
}
