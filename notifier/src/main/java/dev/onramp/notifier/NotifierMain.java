package dev.onramp.notifier;

import java.util.concurrent.CountDownLatch;

import dev.onramp.runtime.Env;

/** Runs the notifier alone, configured only by environment variables (see {@link NotifierConfig}). */
public final class NotifierMain {
    private NotifierMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        NotifierService service = NotifierService.start(NotifierConfig.fromEnv(Env.system()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "notifier-shutdown"));
        stopped.await();
    }
}
