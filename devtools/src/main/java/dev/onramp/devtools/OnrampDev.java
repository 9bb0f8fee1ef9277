package dev.onramp.devtools;

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
        CommandLine commandLine = new CommandLine(new Onramp())
                .addSubcommand(new DevCommand())
                .addSubcommand(new SimulateCommand());
        System.exit(Onramp.run(commandLine, args));
    }
}
