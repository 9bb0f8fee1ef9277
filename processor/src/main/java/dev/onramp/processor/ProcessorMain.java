package dev.onramp.processor;

import java.util.concurrent.CountDownLatch;

import dev.onramp.runtime.Env;

/** Runs the processor alone, configured only by environment variables (see {@link ProcessorConfig}). */
public final class ProcessorMain {
    private ProcessorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ProcessorService service = ProcessorService.start(ProcessorConfig.fromEnv(Env.system()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "processor-shutdown"));
        stopped.await();
    }
}
