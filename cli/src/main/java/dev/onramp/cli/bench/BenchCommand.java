package dev.onramp.cli.bench;

import picocli.CommandLine.Command;

/** Benchmarks: commands that print figures, kept apart from the tests. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure throughput and latency on an in-process broker.",
        subcommands = {IngestBench.class, ProcessorBench.class, NotifierBench.class, ReplayBench.class, CrashBench.class, FuzzBench.class})
public final class BenchCommand {
}
