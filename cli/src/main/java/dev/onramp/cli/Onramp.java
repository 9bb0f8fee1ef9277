package dev.onramp.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code onramp} command. */
@Command(name = "onramp", mixinStandardHelpOptions = true, version = "onramp-pipeline 0.1.0",
        description = "Stripe Crypto Onramp webhooks turned into a trustworthy event stream.",
        subcommands = {DevCommand.class, ServiceCommand.Ingest.class, ServiceCommand.Processor.class,
                ServiceCommand.Notifier.class, ServiceCommand.Console.class, SimulateCommand.class, AuditCommand.class,
                ReplayCommand.class, ReconcileCommand.class, AclsCommand.class, ContractsCommand.class,
                CommandLine.HelpCommand.class},
        // The benchmarks live in their own artifact (bench/), so the shipped one carries no load generators or
        // test servers; the ./onramp script dispatches `bench` there.
        footer = {"", "Benchmarks, crash runs and the fuzzer: ./onramp bench --help"})
public final class Onramp implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // What logs through java.util.logging (OpenTelemetry's exporter, the JDK's HTTP client) goes to logback: the
        // same format (one JSON object per line with LOG_FORMAT=json) and the same levels as everything else.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(new CommandLine(new Onramp()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
