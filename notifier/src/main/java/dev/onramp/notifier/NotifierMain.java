package dev.onramp.notifier;

import dev.onramp.runtime.Env;
import dev.onramp.runtime.UntilStopped;

/** Runs the notifier alone, configured only by environment variables (see {@link NotifierConfig}). */
public final class NotifierMain {
    private NotifierMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        UntilStopped.run(NotifierService.start(NotifierConfig.fromEnv(Env.system())));
    }
}
