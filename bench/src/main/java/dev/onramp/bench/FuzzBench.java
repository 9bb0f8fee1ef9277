package dev.onramp.bench;

import java.util.Map;
import java.util.concurrent.Callable;

import dev.onramp.bench.fuzz.HostileRequests;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.runtime.Env;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The edge's fuzz run, bigger: hostile requests against an in-process ingest, counted per kind and answer. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Send seeded hostile requests to ingest; fail if any forged or altered delivery is accepted or any 5xx is answered.")
public final class FuzzBench implements Callable<Integer> {
    private static final String SECRET = "whsec_fuzz_bench_current_0123";
    private static final String ROTATED = "whsec_fuzz_bench_previous_4567";

    @Option(names = "--requests", description = "Hostile requests (default ${DEFAULT-VALUE}).")
    int requests = 100_000;

    @Option(names = "--seed", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--concurrency", description = "Connections at once (default ${DEFAULT-VALUE}).")
    int concurrency = 32;

    @Override
    public Integer call() throws Exception {
        try (BenchStack stack = new BenchStack();
             IngestService ingest = IngestService.start(IngestConfig.fromEnv(new Env(Map.of(
                     "INGEST_HOST", "127.0.0.1", "INGEST_PORT", "0", "INGEST_ADMIN_PORT", "0",
                     "STRIPE_WEBHOOK_SECRETS", SECRET + "," + ROTATED, "PLATFORM_API_KEY", "fuzz-bench-key-0123456789",
                     "KAFKA_BOOTSTRAP_SERVERS", stack.broker.bootstrapServers(),
                     "SCHEMA_REGISTRY_URL", stack.registry.url(), "INGEST_TRANSACTIONAL_ID", "bench-fuzz"))))) {
            long began = System.nanoTime();
            HostileRequests.Report report = new HostileRequests(ingest.port(), SECRET, ROTATED).run(requests, seed, concurrency);
            double seconds = (System.nanoTime() - began) / 1e9;
            System.out.printf("%n%s", report.summary());
            boolean anyServerError = report.answers().values().stream().anyMatch(byStatus -> byStatus.keySet().stream().anyMatch(s -> s >= 500));
            System.out.printf("%.0f s (%.0f requests/s); validly signed accepted %d; forbidden accepted %d; 5xx %s%n",
                    seconds, requests / seconds, report.acceptedSignedEventIds().size(), report.acceptedForbiddenEventIds().size(),
                    anyServerError ? "yes" : "none");
            return report.acceptedForbiddenEventIds().isEmpty() && !anyServerError ? 0 : 1;
        }
    }
}
