package dev.onramp.cli.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.runtime.Env;
import dev.onramp.testkit.stripe.OnrampEvents;
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
    @Option(names = "--warmup", description = "Seconds of posting before measuring (default ${DEFAULT-VALUE}).")
    int warmup = 20;
    @Option(names = "--writers", description = "INGEST_WRITERS for the run (default ${DEFAULT-VALUE}).")
    int writers = 2;
    @Option(names = "--records", description = "Records for ProducerPerformance (default ${DEFAULT-VALUE}).")
    int records = 300_000;

    @Override
    public Integer call() throws Exception {
        try (BenchPlatform platform = new BenchPlatform()) {
            String sample = OnrampEvents.sessionUpdated("evt_sample_000000", "cos_Bench0000000000", "fulfillment_processing", 1_700_000_000L);
            int recordSize = sample.getBytes(StandardCharsets.UTF_8).length;
            platform.broker.createTopic("bench.producer-performance", 3, Map.of());
            double producerPerformance = producerPerformance(platform.broker.bootstrapServers(), recordSize);

            Map<String, String> env = new HashMap<>(Map.of(
                    "INGEST_HOST", "127.0.0.1", "INGEST_PORT", "0",
                    "STRIPE_WEBHOOK_SECRETS", SECRET, "PLATFORM_API_KEY", "bench-api-key-0123456789",
                    "KAFKA_BOOTSTRAP_SERVERS", platform.broker.bootstrapServers(),
                    "SCHEMA_REGISTRY_URL", platform.registry.url(),
                    "INGEST_TRANSACTIONAL_ID", "bench-ingest",
                    "INGEST_WRITERS", String.valueOf(writers)));
            try (IngestService ingest = IngestService.start(IngestConfig.fromEnv(new Env(env)))) {
                WebhookLoad load = new WebhookLoad(new InetSocketAddress("127.0.0.1", ingest.port()), SECRET);
                load.run(Duration.ofSeconds(warmup), connections);  // warm-up: JIT (C2 competes for the two cores), registry ids, connections
                WebhookLoad.Result result = load.run(Duration.ofSeconds(seconds), connections);
                System.out.printf("%nmachine: %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
                System.out.printf("ProducerPerformance: %.0f records/s (record size %d B, acks=all, 3 partitions)%n", producerPerformance, recordSize);
                System.out.printf("ingest:              %.0f verified webhooks/s with %d connections over %d s (each = raw webhook + session event in one transaction), %d non-200%n",
                        result.perSecond(), connections, seconds, result.failures());
                System.out.printf("ingest latency:      %s%n", result.latency());
                System.out.printf("ratio:               %.0f %% of ProducerPerformance's records/s%n", 100 * result.perSecond() / producerPerformance);
            }
        }
        return 0;
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
