package dev.onramp.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code onramp} command. */
@Command(name = "onramp", mixinStandardHelpOptions = true, version = "onramp-pipeline 0.1.0",
        description = "Stripe Crypto Onramp webhooks turned into a trustworthy event stream.",
        subcommands = {ServiceCommand.Ingest.class, ServiceCommand.Processor.class,
                ServiceCommand.Notifier.class, ServiceCommand.Console.class, AuditCommand.class,
                ReplayCommand.class, ReconcileCommand.class, EraseCommand.class, AclsCommand.class, ContractsCommand.class,
                CommandLine.HelpCommand.class},
        // The developer's commands (devtools/) and the benchmarks (bench/) live in artifacts of their own, so the
        // shipped one carries no broker, Stripe stand-in, simulator or load generator; ./onramp dispatches to them.
        footer = {"", "The whole pipeline on your machine and the simulator: ./onramp dev, ./onramp simulate",
                "Benchmarks, crash runs and the fuzzer: ./onramp bench --help"})
public final class Onramp implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new CommandLine(new Onramp()), args));
    }

    /** Runs a command line built on this one (the developer's tools add their commands to it). */
    public static int run(CommandLine commandLine, String[] args) {
        // What logs through java.util.logging (OpenTelemetry's exporter, the JDK's HTTP client) goes to logback: the
        // same format (one JSON object per line with LOG_FORMAT=json) and the same levels as everything else.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
