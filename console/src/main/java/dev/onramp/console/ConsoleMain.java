package dev.onramp.console;

import dev.onramp.runtime.Env;
import dev.onramp.runtime.UntilStopped;

/** Runs the console alone, configured only by environment variables (see {@link ConsoleConfig}). */
public final class ConsoleMain {
    private ConsoleMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        UntilStopped.run(ConsoleService.start(ConsoleConfig.fromEnv(Env.system())));
    }
}
