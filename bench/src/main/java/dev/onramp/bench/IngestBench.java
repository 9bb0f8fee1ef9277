package dev.onramp.bench;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.session.webhook.ClientSecretRedactor;
import dev.onramp.session.webhook.WebhookReceipt;
import dev.onramp.session.webhook.MappedWebhook;
import dev.onramp.session.webhook.SignedJson;
import dev.onramp.session.webhook.WebhookMapper;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.privacy.RecordSealer;
import dev.onramp.runtime.privacy.SubjectKeys;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.InMemorySchemaRegistry;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Signed webhooks through ingest against Kafka's own ProducerPerformance, on the same in-process broker in the same
 * run. Both load generators run in JVMs of their own, so this process's CPU is ingest's and the broker's (or the
 * broker's alone); each side runs the same number of times, in turns, and the median is reported with every run.
 * Then fixed rates, with latency counted from when each webhook was due.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Verified webhooks/s through ingest vs ProducerPerformance.")
public final class IngestBench implements Callable<Integer> {
    private static final String SECRET = "whsec_bench_secret_0123456789";
    private static final String BASELINE_TOPIC = "bench.producer-performance";

    @Option(names = "--connections", description = "Concurrent HTTP connections (default ${DEFAULT-VALUE}).")
    int connections = 64;
    @Option(names = "--seconds", description = "How long each measured phase posts (default ${DEFAULT-VALUE}).")
    int seconds = 20;
    @Option(names = "--runs", description = "Closed-loop runs of each side, in turns (default ${DEFAULT-VALUE}).")
    int runs = 3;
    @Option(names = "--rates", split = ",", description = "Fixed rates, webhooks/s, after the closed-loop runs (default ${DEFAULT-VALUE}).")
    int[] rates = {500, 1_000, 2_000, 4_000};
    @Option(names = "--warmup", description = "Most seconds of posting before measuring; warm-up ends sooner once the JIT"
            + " compilers are mostly idle (default ${DEFAULT-VALUE}).")
    int warmup = 120;
    @Option(names = "--writers", description = "INGEST_WRITERS for the run (default ${DEFAULT-VALUE}).")
    int writers = 2;
    @Option(names = "--commit-linger", description = "INGEST_COMMIT_LINGER for the run (default: ingest's).")
    String commitLinger;
    @Option(names = "--commit-linger-requests", description = "INGEST_COMMIT_LINGER_REQUESTS for the run (default: ingest's).")
    Integer commitLingerRequests;
    @Option(names = "--records", description = "Records per ProducerPerformance run (default ${DEFAULT-VALUE}).")
    int records = 300_000;
    @Option(names = "--transaction-ms", description = "ProducerPerformance's transaction length, about one of ingest's group"
            + " commits (default ${DEFAULT-VALUE}).")
    int transactionMs = 10;

    @Option(names = "--sealing", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "PERSONAL_DATA_SEALING for the run; --no-sealing writes personal fields in clear (default ${DEFAULT-VALUE}).")
    boolean sealing;

    @Option(names = "--floor-only", description = "Only the HTTP floor: ingest's server set-up with a handler that reads the body and answers.")
    boolean floorOnly;
    @Option(names = "--no-floor", description = "Skip the HTTP floor.")
    boolean noFloor;

    @Override
    public Integer call() throws Exception {
        if (floorOnly) {
            httpFloor();
            return 0;
        }
        try (BenchStack stack = new BenchStack()) {
            stack.broker.createTopic(BASELINE_TOPIC, 3, Map.of());
            String sample = OnrampEvents.sessionUpdated("evt_sample_000000", "cos_Bench0000000000", "fulfillment_processing", 1_700_000_000L);
            int[] sizes = recordSizes(sample, sealing);
            Path payloads = Files.createTempFile("onramp-bench-payloads", ".txt");
            Files.write(payloads, ProducerPerformanceRun.payloads(sample, sizes[0], sizes[1]), StandardCharsets.UTF_8);
            Map<String, String> env = new HashMap<>(Map.of(
                    "INGEST_HOST", "127.0.0.1", "INGEST_PORT", "0", "INGEST_ADMIN_PORT", "0",
                    "STRIPE_WEBHOOK_SECRETS", SECRET, "PLATFORM_API_KEY", "bench-api-key-0123456789",
                    "KAFKA_BOOTSTRAP_SERVERS", stack.broker.bootstrapServers(),
                    "SCHEMA_REGISTRY_URL", stack.registry.url(),
                    "INGEST_TRANSACTIONAL_ID", "bench-ingest",
                    "INGEST_WRITERS", String.valueOf(writers),
                    "PERSONAL_DATA_SEALING", String.valueOf(sealing)));
            if (commitLinger != null) {
                env.put("INGEST_COMMIT_LINGER", commitLinger);
            }
            if (commitLingerRequests != null) {
                env.put("INGEST_COMMIT_LINGER_REQUESTS", String.valueOf(commitLingerRequests));
            }
            try (IngestService ingest = IngestService.start(IngestConfig.fromEnv(new Env(env)));
                 LoadProcess load = LoadProcess.start(new InetSocketAddress("127.0.0.1", ingest.port()), SECRET)) {
                double warmedFor = warmUp(load);
                List<ProducerPerformanceRun.Result> baseline = new ArrayList<>();
                List<ProducerPerformanceRun.Result> untransacted = new ArrayList<>();
                List<LoadProcess.Measured> closed = new ArrayList<>();
                for (int run = 1; run <= runs; run++) {
                    baseline.add(ProducerPerformanceRun.run(stack.broker.bootstrapServers(), BASELINE_TOPIC, payloads, records, transactionMs));
                    untransacted.add(ProducerPerformanceRun.run(stack.broker.bootstrapServers(), BASELINE_TOPIC, payloads, records, 0));
                    closed.add(load.run("closed-" + run, connections, seconds, 0));
                }
                List<LoadProcess.Measured> fixed = new ArrayList<>();
                for (int rate : rates) {
                    fixed.add(load.run("rate-" + rate, connections, seconds, rate));
                }
                report(warmedFor, sizes, baseline, untransacted, closed, fixed);
            } finally {
                Files.deleteIfExists(payloads);
            }
        }
        if (!noFloor) {
            httpFloor();
        }
        return 0;
    }

    /**
     * The same load against the same HTTP server set-up with a handler that only reads the body and answers: what
     * Jetty and Javalin cost per request before any of ingest's work, the part no change to ingest can remove.
     */
    private void httpFloor() throws Exception {
        try (HttpFloor floor = HttpFloor.start();
             LoadProcess load = LoadProcess.start(new InetSocketAddress("127.0.0.1", floor.port()), SECRET)) {
            warmUp(load);
            List<LoadProcess.Measured> closed = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                closed.add(load.run("floor-" + run, connections, seconds, 0));
            }
            LoadProcess.Measured median = closed.stream().sorted(Comparator.comparingDouble(m -> m.serviceCpu().microsPerRecord()))
                    .toList().get(closed.size() / 2);
            System.out.printf("HTTP floor (ingest's server set-up, a handler that reads the body and answers, no broker): "
                            + "%.0f requests/s (runs: %s); %.0f µs CPU per request (runs: %s)%n    by thread (the median run, µs): %s%n",
                    median(closed, m -> m.result().perSecond()), list(closed, m -> m.result().perSecond(), "%.0f"),
                    median.serviceCpu().microsPerRecord(), list(closed, m -> m.serviceCpu().microsPerRecord(), "%.0f"),
                    median.byThread());
            for (int rate : rates) {
                LoadProcess.Measured m = load.run("floor-rate-" + rate, connections, seconds, rate);
                System.out.printf("  %,d/s: %.0f µs CPU per request, %.2f cores busy; by thread (µs): %s%n",
                        rate, m.serviceCpu().microsPerRecord(), m.serviceCpu().coresBusy(), m.byThread());
            }
        }
    }

    private void report(double warmedFor, int[] sizes, List<ProducerPerformanceRun.Result> baseline,
                        List<ProducerPerformanceRun.Result> untransacted, List<LoadProcess.Measured> closed,
                        List<LoadProcess.Measured> fixed) {
        double ppRate = median(baseline, ProducerPerformanceRun.Result::perSecond);
        double ingestRate = median(closed, m -> m.result().perSecond());
        System.out.printf("%nmachine: %d cores, Java %s; warm-up %.0f s of posting; each side %d runs in turns, median first%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), warmedFor, runs);
        System.out.printf("personal data %s: ingest's records of %d and %d B per webhook%s%n", sealing ? "sealed" : "in clear",
                sizes[0], sizes[1], sizes[2] == 0 ? "" : String.format(", and a data key of %d B per session (four webhooks)", sizes[2]));
        System.out.printf("ProducerPerformance: %.0f records/s (runs: %s); records of %d and %d B (ingest's two), keyed, acks=all, lz4,"
                        + " linger.ms=0, transactions of %d ms, its own JVM%n",
                ppRate, list(baseline, ProducerPerformanceRun.Result::perSecond, "%.0f"), sizes[0], sizes[1], transactionMs);
        System.out.printf("  CPU per record: broker %.0f µs (runs: %s), client %.0f µs%n",
                median(baseline, r -> r.brokerCpu().microsPerRecord()), list(baseline, r -> r.brokerCpu().microsPerRecord(), "%.0f"),
                median(baseline, ProducerPerformanceRun.Result::clientMicrosPerRecord));
        System.out.printf("ingest, closed loop: %.0f verified webhooks/s with %d connections over %d s (runs: %s), %d non-200;"
                        + " each = raw webhook + session event in one transaction%n",
                ingestRate, connections, seconds, list(closed, m -> m.result().perSecond(), "%.0f"),
                closed.stream().mapToLong(m -> m.result().failures()).sum());
        System.out.printf("  CPU per webhook, ingest + broker: %.0f µs (runs: %s), %.2f cores busy; load generator (own JVM) %.0f µs%n",
                median(closed, m -> m.serviceCpu().microsPerRecord()), list(closed, m -> m.serviceCpu().microsPerRecord(), "%.0f"),
                median(closed, m -> m.serviceCpu().coresBusy()), median(closed, m -> m.result().generatorCpuNanos() / 1e3 / m.result().count()));
        LoadProcess.Measured medianRun = closed.stream().filter(m -> m.result().perSecond() == ingestRate).findFirst().orElseThrow();
        System.out.printf("  latency (the median run): %s%n", medianRun.result().latency());
        System.out.printf("  CPU per webhook by thread (the median run, µs): %s%n", medianRun.byThread());
        System.out.printf("ratio: %.1f %% of ProducerPerformance's records/s in webhooks/s; %.1f %% in records/s (two per webhook)%n",
                100 * ingestRate / ppRate, 200 * ingestRate / ppRate);
        double batchRate = median(untransacted, ProducerPerformanceRun.Result::perSecond);
        System.out.printf("ProducerPerformance without transactions (the batching upper bound): %.0f records/s (runs: %s),"
                        + " broker %.0f µs + client %.0f µs CPU per record; ingest is %.1f %% of it in webhooks/s%n",
                batchRate, list(untransacted, ProducerPerformanceRun.Result::perSecond, "%.0f"),
                median(untransacted, r -> r.brokerCpu().microsPerRecord()),
                median(untransacted, ProducerPerformanceRun.Result::clientMicrosPerRecord), 100 * ingestRate / batchRate);
        System.out.println("fixed rates (latency from when each webhook was due; HdrHistogram):");
        for (int i = 0; i < fixed.size(); i++) {
            LoadProcess.Measured m = fixed.get(i);
            System.out.printf("  %,d/s: %.0f/s done, %d non-200, %s; %.0f µs CPU per webhook (ingest + broker), %.2f cores busy%n",
                    rates[i], m.result().perSecond(), m.result().failures(), m.result().latency(),
                    m.serviceCpu().microsPerRecord(), m.serviceCpu().coresBusy());
            System.out.printf("    by thread (µs): %s%n", m.byThread());
        }
    }

    private static <T> double median(List<T> runs, ToDoubleFunction<T> value) {
        double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static <T> String list(List<T> runs, ToDoubleFunction<T> value, String format) {
        return Arrays.stream(runs.stream().mapToDouble(value).toArray()).mapToObj(v -> String.format(format, v))
                .collect(Collectors.joining(", "));
    }

    /** The sizes of ingest's records for one webhook: the raw webhook, the session event, the data key (0: none). */
    private static int[] recordSizes(String sample, boolean sealing) throws Exception {
        WebhookReceipt receipt = new WebhookReceipt(
                "0".repeat(64), WebhookSigner.header(SECRET, 1_700_000_000L, sample), "1:abcdef01", Instant.now());
        MappedWebhook mapped = new WebhookMapper().map(new ClientSecretRedactor(SignedJson.mapper()).redact(sample), receipt);
        RegistryAvroSerializer<SpecificRecord> serializer = new RegistryAvroSerializer<>(new InMemorySchemaRegistry());
        serializer.configure(Map.of(), false);
        List<ProducerRecord<String, ? extends SpecificRecord>> records = sealing
                ? RecordSealer.forIngest(new SubjectKeys(1), Clock.systemUTC()).seal(mapped.records()).records() : mapped.records();
        Map<String, Integer> sizes = new HashMap<>();
        records.forEach(r -> sizes.put(r.topic(), serializer.serialize(r.topic(), r.value()).length));
        return new int[]{sizes.get(Topics.WEBHOOKS_RAW.name()), sizes.get(Topics.SESSION_EVENTS.name()),
                sizes.getOrDefault(Topics.SUBJECT_KEYS.name(), 0)};
    }

    /**
     * Posts in rounds of 10 s until the JIT compilers took less than a tenth of a core in a round, or the warm-up
     * limit. On two cores C2 competes with everything else for a minute or more (Jetty, the broker, the clients);
     * a figure taken before that measures the compiler as much as ingest.
     */
    private double warmUp(LoadProcess load) throws Exception {
        long began = System.nanoTime();
        long left;
        for (int round = 1; (left = warmup - (long) ((System.nanoTime() - began) / 1e9)) > 0; round++) {
            if (load.run("warm-up-" + round, connections, (int) Math.min(10, left), 0).serviceCpu().jitCores() < 0.1) {
                break;
            }
        }
        return (System.nanoTime() - began) / 1e9;
    }
}
