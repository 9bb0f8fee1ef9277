package dev.onramp.devstack;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A broker as a process of its own: {@code StandaloneBroker <log dir> <port>} for the single-node broker, or
 * {@code StandaloneBroker <log dir> <broker port> <controller port> <node id> <voters> <cluster id>} for one node of a
 * cluster (see {@link LocalKafkaBroker.Quorum}). Prints
 * {@code READY <bootstrap servers>} once a record made the round trip, then runs until killed; how tests take the
 * broker away with SIGKILL while the services keep running.
 */
public final class StandaloneBroker {
    private StandaloneBroker() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2 && args.length != 6) {
            System.err.println("usage: StandaloneBroker <log dir> <port> | <log dir> <broker port> <controller port> "
                    + "<node id> <voters> <cluster id>");
            System.exit(2);
        }
        LocalKafkaBroker broker = args.length == 2
                ? LocalKafkaBroker.startPersistent(Path.of(args[0]), Integer.parseInt(args[1]))
                : LocalKafkaBroker.startClusterNode(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                        new LocalKafkaBroker.Quorum(Integer.parseInt(args[3]), args[4], args[5], args[4].split(",").length));
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
