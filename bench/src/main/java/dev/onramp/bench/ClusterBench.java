package dev.onramp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import dev.onramp.bench.crash.ScaleOutRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The pipeline as a cluster runs it: several instances of each service in JVMs of their own on a three-node Kafka
 * cluster, faults one at a time at a fixed rate, each counted and timed.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Run N instances of each service on a 3-node cluster (RF 3, min ISR 2) at a fixed rate; SIGKILL one "
                + "processor, notifier, ingest and Kafka node, restart every instance one at a time, roll out an evolved "
                + "contract; count and time each.")
public final class ClusterBench implements Callable<Integer> {
    @Option(names = "--brokers", description = "Kafka nodes, each broker and controller (default ${DEFAULT-VALUE}).")
    int brokers = 3;

    @Option(names = "--ingest", description = "Ingest instances; the load is spread over them (default ${DEFAULT-VALUE}).")
    int ingest = 2;

    @Option(names = "--processors", description = "Processor instances (default ${DEFAULT-VALUE}).")
    int processors = 3;

    @Option(names = "--notifiers", description = "Notifier instances (default ${DEFAULT-VALUE}).")
    int notifiers = 3;

    @Option(names = "--rate", description = "Webhooks per second over all ingest instances (default ${DEFAULT-VALUE}).")
    double rate = 300;

    @Option(names = "--warmup", description = "Seconds of traffic before the first stretch, not counted (default ${DEFAULT-VALUE}).")
    int warmUpSeconds = 60;

    @Option(names = "--stretch", description = "Seconds of traffic per fault (default ${DEFAULT-VALUE}).")
    int stretchSeconds = 60;

    @Option(names = "--faults", split = ",", description = "Faults in order, each with a stretch of traffic: "
            + "${COMPLETION-CANDIDATES} (default: all, in that order).")
    List<ScaleOutRun.Fault> faults = List.of(ScaleOutRun.Fault.STEADY, ScaleOutRun.Fault.KILL_PROCESSOR, ScaleOutRun.Fault.KILL_NOTIFIER,
            ScaleOutRun.Fault.KILL_INGEST, ScaleOutRun.Fault.KILL_BROKER, ScaleOutRun.Fault.ROLLING_RESTART,
            ScaleOutRun.Fault.EVOLVE_CONTRACT);

    @Option(names = "--seed", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--data", description = "Data directory of the cluster and the instances (default: a new temporary one).")
    Path data;

    @Override
    public Integer call() throws Exception {
        boolean fleetValid = brokers >= 1 && ingest >= 1 && processors >= 1 && notifiers >= 1;
        if (!fleetValid || rate <= 0 || stretchSeconds < 5 || warmUpSeconds < 0) {
            System.err.println("every count must be at least 1, --rate positive, --stretch at least 5 seconds, --warmup not negative");
            return 2;
        }
        Path dir = data != null ? data : Files.createTempDirectory("onramp-cluster-");
        ScaleOutRun.Settings settings = new ScaleOutRun.Settings(
                new ScaleOutRun.Size(brokers, ingest, processors, notifiers), rate, Duration.ofSeconds(warmUpSeconds),
                Duration.ofSeconds(stretchSeconds), faults, seed, List.of());
        ScaleOutRun.Report report = new ScaleOutRun(dir, settings, System.err).execute();
        System.out.printf("%nmachine: %d cores, Java %s; %s at %.0f webhooks/s, %d s per stretch; data in %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), settings.size(), rate,
                stretchSeconds, dir);
        System.out.printf("all instances started together, ready in %d ms%n", report.startedTogether().toMillis());
        report.stretches().forEach(s -> System.out.println(s.summary()));
        return report.ok() ? 0 : 1;
    }
}
