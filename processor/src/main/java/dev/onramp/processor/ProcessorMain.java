package dev.onramp.processor;

import dev.onramp.runtime.Env;
import dev.onramp.runtime.UntilStopped;

/** Runs the processor alone, configured only by environment variables (see {@link ProcessorConfig}). */
public final class ProcessorMain {
    private ProcessorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        UntilStopped.run(ProcessorService.start(ProcessorConfig.fromEnv(Env.system())));
    }
}
