package dev.onramp.runtime;

import java.util.concurrent.CountDownLatch;

import org.slf4j.LoggerFactory;

/** Keeps a started service running until the JVM is told to stop (SIGTERM, Ctrl-C), then closes it gracefully. */
public final class UntilStopped {
    private UntilStopped() {
    }

    public static void run(AutoCloseable service) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(UntilStopped.class).warn("while stopping: {}", e.toString());
            }
            stopped.countDown();
        }, "service-shutdown"));
        stopped.await();
    }
}
