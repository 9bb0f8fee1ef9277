package dev.onramp.platform;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The single-node broker as a process of its own: {@code StandaloneBroker <log dir> <port>}. Prints
 * {@code READY <bootstrap servers>} once a record made the round trip, then runs until killed; how tests take the
 * broker away with SIGKILL while the services keep running.
 */
public final class StandaloneBroker {
    private StandaloneBroker() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: StandaloneBroker <log dir> <port>");
            System.exit(2);
        }
        LocalKafkaBroker broker = LocalKafkaBroker.startPersistent(Path.of(args[0]), Integer.parseInt(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-stop"));
        System.out.println("READY " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
