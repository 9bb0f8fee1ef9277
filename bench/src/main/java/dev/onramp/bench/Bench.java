package dev.onramp.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code onramp bench}: commands that measure the pipeline or kill it and print figures, kept apart from the tests. */
@Command(name = "onramp bench", mixinStandardHelpOptions = true,
        description = "Measure throughput and latency on an in-process broker; crash and fuzz runs.",
        subcommands = {IngestBench.class, ProcessorBench.class, StateBench.class, NotifierBench.class, ReplayBench.class, CrashBench.class,
                FuzzBench.class, ClusterBench.class, SealingBench.class, CommandLine.HelpCommand.class})
public final class Bench implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
