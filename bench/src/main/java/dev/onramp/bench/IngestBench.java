package dev.onramp.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.runtime.Env;
import org.apache.kafka.tools.ProducerPerformance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Signed webhooks through ingest against Kafka's own ProducerPerformance, on the same in-process broker in the
 * same run, with the same record size and acks=all.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Verified webhooks/s through ingest vs ProducerPerformance.")
public final class IngestBench implements Callable<Integer> {
    private static final String SECRET = "whsec_bench_secret_0123456789";

    @Option(names = "--connections", description = "Concurrent HTTP connections (default ${DEFAULT-VALUE}).")
    int connections = 64;
    @Option(names = "--seconds", description = "How long to post (default ${DEFAULT-VALUE}).")
    int seconds = 20;
    @Option(names = "--warmup", description = "Most seconds of posting before measuring; warm-up ends sooner once the JIT"
            + " compilers are mostly idle (default ${DEFAULT-VALUE}).")
    int warmup = 120;
    @Option(names = "--writers", description = "INGEST_WRITERS for the run (default ${DEFAULT-VALUE}).")
    int writers = 2;
    @Option(names = "--records", description = "Records for ProducerPerformance (default ${DEFAULT-VALUE}).")
    int records = 300_000;

    @Override
    public Integer call() throws Exception {
        try (BenchStack stack = new BenchStack()) {
            String sample = OnrampEvents.sessionUpdated("evt_sample_000000", "cos_Bench0000000000", "fulfillment_processing", 1_700_000_000L);
            int recordSize = sample.getBytes(StandardCharsets.UTF_8).length;
            stack.broker.createTopic("bench.producer-performance", 3, Map.of());
            // Twice, the faster run taken: the first also warms the JVM (and the broker) up.
            List<TimedRun> producerRuns = new ArrayList<>();
            for (int run = 0; run < 2; run++) {
                ProcessCpu cpu = ProcessCpu.start();
                double rate = producerPerformance(stack.broker.bootstrapServers(), recordSize);
                producerRuns.add(new TimedRun(rate, cpu.stop(records)));
            }
            TimedRun producerPerformance = TimedRun.fastest(producerRuns);

            Map<String, String> env = new HashMap<>(Map.of(
                    "INGEST_HOST", "127.0.0.1", "INGEST_PORT", "0", "INGEST_ADMIN_PORT", "0",
                    "STRIPE_WEBHOOK_SECRETS", SECRET, "PLATFORM_API_KEY", "bench-api-key-0123456789",
                    "KAFKA_BOOTSTRAP_SERVERS", stack.broker.bootstrapServers(),
                    "SCHEMA_REGISTRY_URL", stack.registry.url(),
                    "INGEST_TRANSACTIONAL_ID", "bench-ingest",
                    "INGEST_WRITERS", String.valueOf(writers)));
            try (IngestService ingest = IngestService.start(IngestConfig.fromEnv(new Env(env)))) {
                WebhookLoad load = new WebhookLoad(new InetSocketAddress("127.0.0.1", ingest.port()), SECRET);
                double warmedFor = warmUp(load);
                ProcessCpu ingestCpu = ProcessCpu.start();
                WebhookLoad.Result result = load.run(Duration.ofSeconds(seconds), connections);
                ProcessCpu.Span ingestSpan = ingestCpu.stop(result.count());
                System.out.printf("%nmachine: %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
                System.out.printf("warm-up:             %.0f s of posting before measuring%n", warmedFor);
                System.out.printf("ProducerPerformance: %.0f records/s (runs: %s; record size %d B, acks=all, 3 partitions)%n",
                        producerPerformance.perSecond(), TimedRun.rates(producerRuns), recordSize);
                System.out.printf("ingest:              %.0f verified webhooks/s with %d connections over %d s"
                                + " (each = raw webhook + session event in one transaction), %d non-200%n",
                        result.perSecond(), connections, seconds, result.failures());
                System.out.printf("ingest latency:      %s%n", result.latency());
                System.out.printf("ratio:               %.0f %% of ProducerPerformance's records/s%n",
                        100 * result.perSecond() / producerPerformance.perSecond());
                // Whole process: broker, client or service, load generator.
                System.out.printf("CPU, ProducerPerformance: %s%n", producerPerformance.cpu());
                System.out.printf("CPU, ingest:              %s (per webhook), of which the load generator %.0f µs%n",
                        ingestSpan, result.generatorCpuNanos() / 1e3 / result.count());
            }
        }
        return 0;
    }

    /**
     * Posts in rounds of 10 s until the JIT compilers took less than a tenth of a core in a round, or the warm-up
     * limit. On two cores C2 competes with everything else for a minute or more (Jetty, the broker, the clients);
     * a figure taken before that measures the compiler as much as ingest.
     */
    private double warmUp(WebhookLoad load) throws InterruptedException {
        long began = System.nanoTime();
        long left;
        while ((left = warmup - (long) ((System.nanoTime() - began) / 1e9)) > 0) {
            ProcessCpu round = ProcessCpu.start();
            WebhookLoad.Result result = load.run(Duration.ofSeconds(Math.min(10, left)), connections);
            if (round.stop(Math.max(1, result.count())).jitCores() < 0.1) {
                break;
            }
        }
        return (System.nanoTime() - began) / 1e9;
    }

    private double producerPerformance(String bootstrap, int recordSize) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ProducerPerformance.main(new String[]{
                    "--topic", "bench.producer-performance", "--num-records", String.valueOf(records),
                    "--record-size", String.valueOf(recordSize), "--throughput", "-1",
                    "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all"});
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        Matcher summary = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec").matcher(output);
        double last = -1;
        while (summary.find()) {
            last = Double.parseDouble(summary.group(2));
        }
        if (last < 0) {
            throw new IllegalStateException("no summary from ProducerPerformance:\n" + output);
        }
        return last;
    }
}
