package dev.onramp.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code onramp} command. */
@Command(name = "onramp", mixinStandardHelpOptions = true, version = "onramp-pipeline 0.1.0",
        description = "Stripe Crypto Onramp webhooks turned into a trustworthy event stream.",
        subcommands = {DevCommand.class, ServiceCommand.Ingest.class, ServiceCommand.Processor.class,
                ServiceCommand.Notifier.class, dev.onramp.cli.simulate.SimulateCommand.class, dev.onramp.cli.audit.AuditCommand.class, dev.onramp.cli.replay.ReplayCommand.class, dev.onramp.cli.bench.BenchCommand.class, CommandLine.HelpCommand.class})
public final class Onramp implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Onramp()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
