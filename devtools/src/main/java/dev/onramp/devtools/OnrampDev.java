package dev.onramp.devtools;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.onramp.cli.Onramp;
import picocli.CommandLine;

/**
 * The {@code onramp} command of a developer's machine: every command of the shipped one, plus {@code dev} (the whole
 * pipeline with a local broker, registry and Stripe stand-in) and {@code simulate} (signed onramp webhooks at a
 * rate). {@code ./onramp} runs this; the image and {@code cli/target/onramp.jar} run {@link Onramp} alone.
 */
public final class OnrampDev {
    private OnrampDev() {
    }

    public static void main(String[] args) {
        System.exit(Onramp.run(commandLine(), args));
    }

    /** The developer's two commands first: {@code --help} lists them where a newcomer looks. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Onramp());
        Map<String, CommandLine> shipped = new LinkedHashMap<>(commandLine.getSubcommands());
        shipped.keySet().forEach(commandLine.getCommandSpec()::removeSubcommand);
        commandLine.addSubcommand(new DevCommand()).addSubcommand(new SimulateCommand());
        shipped.forEach(commandLine::addSubcommand);
        return commandLine;
    }
}
